"""Print Formats: sandboxed HTML, PDFs through the real wkhtmltopdf, nothing fetched from the network."""

from __future__ import annotations

import http.server
import os
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import smooth
from smooth.printing import pdf, render
from tests.conftest import SiteHandle
from tests.lms.conftest import make_course

ARTIFACTS = Path(os.environ.get("SMOOTH_SCREENSHOT_DIR") or Path(__file__).parents[1] / "e2e" / "screenshots")


def make_format(name: str, html: str, doc_type: str = "LMS Course", **values: object) -> str:
    return smooth.get_doc({"doctype": "Print Format", "name": name, "doc_type": doc_type, "html": html,
                           **values}).insert().name


def pdf_text(content: bytes, tmp: Path) -> str:
    path = tmp / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_info(content: bytes, tmp: Path) -> dict[str, str]:
    path = tmp / "info.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def landscape(info: dict[str, str]) -> bool:
    width, _, rest = info["Page size"].partition(" x ")
    return float(width) > float(rest.split()[0])


def test_template_is_sandboxed_and_escaped(lms: SiteHandle) -> None:
    course = make_course("<b>Bold</b> & co")
    make_format("Course Card", "<h1>{{ doc.title }}</h1>{{ doc.save }}")
    doc = smooth.get_doc("LMS Course", course)
    page = render.render_page(doc, render.choose_format(doc, "Course Card"))
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in page
    with pytest.raises(smooth.ValidationError, match="Print Format 'Broken', HTML, line 2: Expected an expression"):
        make_format("Broken", "<h1>\n{% for x in %}")
    make_format("Mutating", "{{ doc.update({'title': 'x'}) }}")
    with pytest.raises(smooth.ValidationError, match="Print Format 'Mutating', HTML, line 1: .*unsafe"):
        render.render_page(doc, render.choose_format(doc, "Mutating"))


def test_format_choice_default_and_disabled(lms: SiteHandle) -> None:
    course = make_course("Choice")
    doc = smooth.get_doc("LMS Course", course)
    assert render.choose_format(doc).name == "Standard"
    make_format("First", "one", is_default=1)
    make_format("Second", "two", is_default=1)
    assert render.choose_format(doc).name == "Second"
    assert smooth.db.get_value("Print Format", "First", "is_default") == 0
    make_format("Off", "off", disabled=1)
    with pytest.raises(smooth.ValidationError, match="Print Format Off is disabled"):
        render.choose_format(doc, "Off")
    make_format("Other Type", "x", doc_type="LMS Enrollment")
    with pytest.raises(smooth.ValidationError, match="is for LMS Enrollment, not LMS Course"):
        render.choose_format(doc, "Other Type")


def test_external_urls_blanked_and_local_files_inlined() -> None:
    page = render.localize('<img src="https://evil.example/x.png"><link rel="stylesheet" href="//cdn.example/a.css">'
                           "<style>@import url(http://x.example/a.css); b{background:url('http://x/y.png')}</style>"
                           "<iframe src=http://x.example/></iframe><img srcset=\"http://a 1x, http://b 2x\">"
                           '<a href="file:///etc/passwd">f</a><img src="data:image/png;base64,AAAA">')
    assert "evil.example" not in page and "cdn.example" not in page and "x.example" not in page
    assert "http://" not in page and "file:" not in page and "//cdn" not in page
    assert "data:image/png;base64,AAAA" in page


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server recording every request made to it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_listener_sees_requests(listener: tuple[str, list[str]]) -> None:
    """The probe the next test relies on does record a fetch."""
    base, hits = listener
    with urllib.request.urlopen(f"{base}/probe") as response:
        assert response.status == 200
    assert hits == ["/probe"]


def test_pdf_makes_no_network_request(lms: SiteHandle, listener: tuple[str, list[str]], tmp_path: Path) -> None:
    base, hits = listener
    course = make_course("Offline Course")
    make_format("Leaky", f'<h1>{{{{ doc.title }}}}</h1><img src="{base}/img.png">'
                         f'<link rel="stylesheet" href="{base}/style.css"><iframe src="{base}/frame"></iframe>',
                css=f"@import url({base}/import.css); body {{ background: url('{base}/bg.png'); }}")
    doc = smooth.get_doc("LMS Course", course)
    layout = render.choose_format(doc, "Leaky")
    content = pdf.html_to_pdf(render.render_page(doc, layout), layout)
    assert content.startswith(b"%PDF")
    assert "Offline Course" in pdf_text(content, tmp_path)
    assert hits == []
    # wkhtmltopdf itself refuses the network even for a page the rewrite never saw
    raw = f'<html><body>raw<img src="{base}/direct.png"></body></html>'
    assert pdf.html_to_pdf(raw, layout).startswith(b"%PDF")
    assert hits == []


def test_pdf_page_setup(lms: SiteHandle, tmp_path: Path) -> None:
    course = make_course("Wide Course")
    make_format("Wide", "<h1>{{ doc.title }}</h1>", orientation="Landscape", page_size="A4", margin_top=5)
    doc = smooth.get_doc("LMS Course", course)
    layout = render.choose_format(doc, "Wide")
    content = pdf.html_to_pdf(render.render_page(doc, layout), layout)
    info = pdf_info(content, tmp_path)
    assert info["Pages"] == "1" and landscape(info)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (tmp_path / "wide.pdf").write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-singlefile", str(tmp_path / "wide.pdf"),
                    str(ARTIFACTS / f"print-landscape-{lms.backend}")], check=True)
    assert (ARTIFACTS / f"print-landscape-{lms.backend}.png").stat().st_size > 0


def test_missing_wkhtmltopdf_names_the_package(lms: SiteHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMOOTH_WKHTMLTOPDF", "/nonexistent/wkhtmltopdf")
    with pytest.raises(pdf.PdfUnavailableError, match="Debian package `wkhtmltopdf`"):
        pdf.wkhtmltopdf_path()
