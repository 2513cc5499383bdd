"""Lesson media made by the tests themselves: a short WebM recorded from a canvas in Chromium, a one-page PDF.

The video is what a browser recording is (MediaRecorder: no length in its header), which the lesson
player has to handle anyway; it takes its length in real time to record, so keep it short.
"""

from __future__ import annotations

import base64

from playwright.sync_api import Browser

RECORD = """async (seconds) => {
  const canvas = document.createElement("canvas");
  canvas.width = 160; canvas.height = 90;
  document.body.appendChild(canvas);
  const ctx = canvas.getContext("2d");
  const recorder = new MediaRecorder(canvas.captureStream(15), {mimeType: "video/webm;codecs=vp8"});
  const chunks = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  const start = performance.now();
  const draw = () => {
    const t = (performance.now() - start) / 1000;
    ctx.fillStyle = `hsl(${Math.floor(t * 30) % 360}, 70%, 45%)`;
    ctx.fillRect(0, 0, 160, 90);
    ctx.fillStyle = "#fff"; ctx.font = "48px sans-serif"; ctx.fillText(String(Math.floor(t)), 55, 65);
  };
  draw();
  recorder.start(500);
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      draw();
      if (performance.now() - start >= seconds * 1000) { clearInterval(timer); resolve(); }
    }, 66);
  });
  recorder.stop();
  await stopped;
  const bytes = new Uint8Array(await new Blob(chunks, {type: "video/webm"}).arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) { text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192)); }
  return btoa(text);
}"""


def recorded_webm(browser: Browser, seconds: float) -> bytes:
    """A `seconds`-long VP8 WebM (a colour that changes and a counter), recorded in a blank page."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content("<!doctype html><title>recorder</title>")
        return base64.b64decode(page.evaluate(RECORD, seconds))
    finally:
        context.close()


def one_page_pdf(text: str) -> bytes:
    """A valid one-page PDF showing `text` (ASCII), with its cross-reference table."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
