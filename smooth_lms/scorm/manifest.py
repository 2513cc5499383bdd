"""A SCORM package as uploaded: the zip's entries checked before anything is stored, and its imsmanifest.xml read.

A package is untrusted input from a course author's laptop or a vendor: its entry names may climb out of
the folder it is extracted to (`../`, absolute paths, drive letters, symlinks), it may expand to far more
than it weighs, and its manifest is XML (entity expansion, external entities: parsed with defusedxml).
Each refusal says what to fix.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeXML
from defusedxml import DefusedXmlException

import smooth
from smooth import _

MANIFEST = "imsmanifest.xml"
MAX_FILES = 5000
MAX_TOTAL_BYTES = 500 * 1024 * 1024  # unpacked
MAX_FILE_BYTES = 200 * 1024 * 1024
SCORM_12, SCORM_2004 = "1.2", "2004"

_DRIVE = re.compile(r"^[A-Za-z]:")
_NS_12 = ("adlcp_rootv1p2", "imscp_rootv1p1p2")
_NS_2004 = ("adlcp_v1p3", "adlseq_v1p3", "adlnav_v1p3", "imsss")


@dataclass
class Package:
    """What the lesson keeps of a valid package: its version, where to start, and the manifest's data for the
    runtime (cmi.launch_data, the mastery score of 1.2, the scaled passing score of 2004)."""

    version: str
    launch: str
    title: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    files: list[zipfile.ZipInfo] = field(default_factory=list)


def bad_name(name: str) -> str | None:
    """The refusal of an entry name that cannot be extracted (None: it can)."""
    shown = repr(name[:200])
    if not name or "\0" in name or "\\" in name:
        return _("The package entry {0} has a backslash or a NUL character in its name; re-export the package",
                 shown)
    if name.startswith("/") or _DRIVE.match(name):
        return _("The package entry {0} is an absolute path; re-export the package", shown)
    if any(part in ("..", ".") for part in name.rstrip("/").split("/")):
        return _("The package entry {0} climbs out of the package folder (a '..' or '.' part); re-export the "
                 "package", shown)
    if "//" in name.rstrip("/"):
        return _("The package entry {0} has an empty folder name in its path; re-export the package", shown)
    return None


def check_entries(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The files to extract, once every entry is safe and the whole fits the limits."""
    entries = archive.infolist()
    files = [info for info in entries if not info.is_dir()]
    if len(files) > MAX_FILES:
        raise smooth.ValidationError(_("The package has {0} files; at most {1} are accepted", len(files), MAX_FILES))
    seen: set[str] = set()
    total = 0
    for info in entries:
        refusal = bad_name(info.filename)
        if refusal:
            raise smooth.ValidationError(refusal)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise smooth.ValidationError(_("The package entry {0} is a symbolic link; packages must hold plain "
                                           "files", repr(info.filename[:200])))
        if info.flag_bits & 0x1:
            raise smooth.ValidationError(_("The package entry {0} is encrypted; upload a package without a password",
                                           repr(info.filename[:200])))
        if info.filename in seen:
            raise smooth.ValidationError(_("The package holds {0} twice", repr(info.filename[:200])))
        seen.add(info.filename)
        if info.file_size > MAX_FILE_BYTES:
            raise smooth.ValidationError(_("The package file {0} unpacks to {1} MiB; at most {2} MiB per file",
                                           repr(info.filename[:200]), info.file_size // (1024 * 1024),
                                           MAX_FILE_BYTES // (1024 * 1024)))
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise smooth.ValidationError(_("The package unpacks to {0} MiB; at most {1} MiB are accepted",
                                       total // (1024 * 1024), MAX_TOTAL_BYTES // (1024 * 1024)))
    return files


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _children(node: Element, name: str) -> list[Element]:
    return [child for child in node if _local(child.tag) == name]


def _child(node: Element | None, name: str) -> Element | None:
    found = _children(node, name) if node is not None else []
    return found[0] if found else None


def _attr(node: Element, name: str) -> str | None:
    """An attribute by its local name, whatever namespace prefix the package gave it."""
    for key, value in node.attrib.items():
        if _local(key).lower() == name.lower():
            return value
    return None


def _text(node: Element | None, name: str) -> str:
    found = _child(node, name)
    return (found.text or "").strip() if found is not None else ""


def detect_version(root: Element) -> str:
    """1.2 or 2004: the manifest's schemaversion, else the namespaces it uses."""
    declared = _text(_child(root, "metadata"), "schemaversion").lower()
    if declared in ("1.2", "1.1"):
        return SCORM_12
    if declared.startswith(("2004", "cam 1.3", "1.3")):
        return SCORM_2004
    namespaces = {_ns(node.tag) for node in root.iter()} | {_ns(key) for node in root.iter() for key in node.attrib}
    if any(mark in ns for ns in namespaces for mark in _NS_2004):
        return SCORM_2004
    if any(mark in ns for ns in namespaces for mark in _NS_12):
        return SCORM_12
    raise smooth.ValidationError(_("imsmanifest.xml names no SCORM version (metadata/schemaversion 1.2 or 2004, or "
                                   "the SCORM namespaces); only SCORM 1.2 and 2004 packages are accepted"))


def _items(node: Element) -> list[Element]:
    """The organization's items, depth first (the order a learner meets them)."""
    found = []
    for item in _children(node, "item"):
        found.append(item)
        found.extend(_items(item))
    return found


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _settings(item: Element, version: str) -> dict[str, Any]:
    settings: dict[str, Any] = {"launch_data": _text(item, "datafromlms" if version == SCORM_12 else "dataFromLMS")}
    if version == SCORM_12:
        settings["mastery_score"] = _float(_text(item, "masteryscore"))
        settings["max_time_allowed"] = _text(item, "maxtimeallowed")
        settings["time_limit_action"] = _text(item, "timelimitaction")
        return settings
    settings["time_limit_action"] = _text(item, "timeLimitAction")
    threshold = _child(item, "completionThreshold")
    if threshold is not None:
        settings["completion_threshold"] = _float(_attr(threshold, "minProgressMeasure") or threshold.text)
    primary = _child(_child(_child(item, "sequencing"), "objectives"), "primaryObjective")
    if primary is not None and (_attr(primary, "satisfiedByMeasure") or "").lower() == "true":
        settings["scaled_passing_score"] = _float(_text(primary, "minNormalizedMeasure")) or 1.0
    return settings


def launch_of(root: Element, version: str, names: set[str]) -> tuple[str, str, dict[str, Any]]:
    """(launch href, title, runtime settings) of the first SCO of the default organization (else its first item
    with a resource to show), checked to be a file of the package."""
    organizations = _child(root, "organizations")
    orgs = _children(organizations, "organization") if organizations is not None else []
    if not orgs:
        raise smooth.ValidationError(_("imsmanifest.xml has no organization: the package has nothing to launch"))
    default = _attr(organizations, "default") if organizations is not None else None
    org = next((o for o in orgs if _attr(o, "identifier") == default), orgs[0])
    resources = {_attr(r, "identifier"): r for r in _children(_child(root, "resources") or Element("r"), "resource")}
    candidates = []
    for item in _items(org):
        resource = resources.get(_attr(item, "identifierref"))
        if resource is None or not _attr(resource, "href"):
            continue
        kind = (_attr(resource, "scormtype") or "").lower()
        candidates.append((kind == "sco", item, resource))
    if not candidates:
        raise smooth.ValidationError(_("imsmanifest.xml has no item with a resource to launch (an item's "
                                       "identifierref must name a resource with an href)"))
    _found, item, resource = next((c for c in candidates if c[0]), candidates[0])
    base = (_attr(resource, "base") or "").strip()
    href = (base + (_attr(resource, "href") or "")).strip()
    path = href.split("?", 1)[0].split("#", 1)[0]
    if bad_name(path) or path not in names:
        raise smooth.ValidationError(_("The package's launch page {0} is not a file of the package", repr(href[:200])))
    parameters = (_attr(item, "parameters") or "").strip()
    if parameters.startswith("#"):
        href += parameters
    elif parameters:
        href += ("&" if "?" in href else "?") + parameters.lstrip("?&")
    return href, _text(item, "title") or _text(org, "title"), _settings(item, version)


def read_package(content: bytes) -> Package:
    """The package in `content` (a zip), checked; a ValidationError names the first problem."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        raise smooth.ValidationError(_("The SCORM package is not a zip file; upload the .zip your authoring tool "
                                       "exported")) from None
    with archive:
        files = check_entries(archive)
        names = {info.filename for info in files}
        if MANIFEST not in names:
            raise smooth.ValidationError(_("The zip has no imsmanifest.xml at its top level: is it a SCORM "
                                           "package? (zip the package's contents, not the folder holding them)"))
        try:
            root = SafeXML.fromstring(archive.read(MANIFEST))
        except (ParseError, DefusedXmlException) as exc:
            raise smooth.ValidationError(_("imsmanifest.xml is not valid XML ({0})", exc)) from None
        except zipfile.BadZipFile as exc:
            raise smooth.ValidationError(_("The package is damaged ({0}); export it again", exc)) from None
        if _local(root.tag) != "manifest":
            raise smooth.ValidationError(_("imsmanifest.xml does not start with a <manifest> element"))
        version = detect_version(root)
        launch, title, settings = launch_of(root, version, names)
        return Package(version, launch, title, settings, files)
