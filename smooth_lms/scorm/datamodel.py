"""The SCORM run-time data model (1.2's cmi.core..., 2004's cmi...): which elements exist, who may read and
write them, what a value must look like, and the error code each refusal gets.

One table per version serves twice: the shim in the package's frame (shim.js) answers GetValue/SetValue
from it at once (the API is synchronous), and the commit endpoint checks every value again with it here,
since what arrives from the frame is the package's word, not the LMS's. A value type is a regex, an
optional length limit and an optional numeric range, so both sides read the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SCORM_12, SCORM_2004 = "1.2", "2004"


@dataclass(frozen=True)
class Kind:
    pattern: str = r"[\s\S]*"
    length: int | None = None
    low: float | None = None
    high: float | None = None


def _vocab(*words: str) -> Kind:
    return Kind("|".join(re.escape(w) for w in words))


def _text(length: int) -> Kind:
    return Kind(length=length)


_DECIMAL = r"-?(?:\d+(?:\.\d*)?|\.\d+)"
TIMESPAN_12 = r"(\d{2,4}):(\d{2}):(\d{2}(?:\.\d{1,2})?)"
DURATION = r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,2})?)S)?)?"
_TIME_2004 = r"\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}(?::\d{2}(?::\d{2}(?:\.\d{1,2})?)?)?(?:Z|[+-]\d{2}(?::\d{2})?)?)?)?)?"
_SCORE_12 = Kind(f"|{_DECIMAL}", low=0, high=100)  # CMIDecimal 0-100, or blank
_REAL = Kind(_DECIMAL)
_SCALED = Kind(_DECIMAL, low=-1, high=1)
_MEASURE = Kind(_DECIMAL, low=0, high=1)
_ID_12 = Kind(r"[\x21-\x7e]+", length=255)
_ID_2004 = Kind(r"\S+", length=4000)
_STATUS_12 = ("passed", "completed", "failed", "incomplete", "browsed")
_COMPLETION = ("completed", "incomplete", "not attempted", "unknown")
_SUCCESS = ("passed", "failed", "unknown")
_RO, _RW, _WO = "ro", "rw", "wo"


@dataclass(frozen=True)
class Element:
    access: str
    kind: Kind = Kind()


def _table_12() -> dict[str, Element]:
    ro = Element(_RO)
    return {
        "cmi._version": ro, "cmi.core.student_id": ro, "cmi.core.student_name": ro, "cmi.core.credit": ro,
        "cmi.core.entry": ro, "cmi.core.total_time": ro, "cmi.core.lesson_mode": ro, "cmi.launch_data": ro,
        "cmi.comments_from_lms": ro, "cmi.student_data.mastery_score": ro, "cmi.student_data.max_time_allowed": ro,
        "cmi.student_data.time_limit_action": ro,
        "cmi.core.lesson_location": Element(_RW, _text(255)),
        "cmi.core.lesson_status": Element(_RW, _vocab(*_STATUS_12)),
        "cmi.core.score.raw": Element(_RW, _SCORE_12), "cmi.core.score.min": Element(_RW, _SCORE_12),
        "cmi.core.score.max": Element(_RW, _SCORE_12),
        "cmi.core.exit": Element(_WO, _vocab("time-out", "suspend", "logout", "")),
        "cmi.core.session_time": Element(_WO, Kind(TIMESPAN_12)),
        "cmi.suspend_data": Element(_RW, _text(4096)),
        "cmi.comments": Element(_RW, _text(4096)),
        "cmi.objectives.n.id": Element(_RW, _ID_12),
        "cmi.objectives.n.score.raw": Element(_RW, _SCORE_12), "cmi.objectives.n.score.min": Element(_RW, _SCORE_12),
        "cmi.objectives.n.score.max": Element(_RW, _SCORE_12),
        "cmi.objectives.n.status": Element(_RW, _vocab(*_STATUS_12, "not attempted")),
        "cmi.student_preference.audio": Element(_RW, Kind(r"-?\d+", low=-1, high=100)),
        "cmi.student_preference.language": Element(_RW, _text(255)),
        "cmi.student_preference.speed": Element(_RW, Kind(r"-?\d+", low=-100, high=100)),
        "cmi.student_preference.text": Element(_RW, Kind(r"-?\d+", low=-1, high=1)),
        "cmi.interactions.n.id": Element(_WO, _ID_12),
        "cmi.interactions.n.objectives.n.id": Element(_WO, _ID_12),
        "cmi.interactions.n.time": Element(_WO, Kind(r"\d{2}:\d{2}:\d{2}(?:\.\d{1,2})?")),
        "cmi.interactions.n.type": Element(_WO, _vocab("true-false", "choice", "fill-in", "matching", "performance",
                                                       "sequencing", "likert", "numeric")),
        "cmi.interactions.n.correct_responses.n.pattern": Element(_WO, _text(255)),
        "cmi.interactions.n.weighting": Element(_WO, Kind(_DECIMAL)),
        "cmi.interactions.n.student_response": Element(_WO, _text(255)),
        "cmi.interactions.n.result": Element(_WO, Kind(f"correct|wrong|unanticipated|neutral|{_DECIMAL}")),
        "cmi.interactions.n.latency": Element(_WO, Kind(TIMESPAN_12)),
    }


def _table_2004() -> dict[str, Element]:
    ro = Element(_RO)
    score = {"scaled": Element(_RW, _SCALED), "raw": Element(_RW, _REAL), "min": Element(_RW, _REAL),
             "max": Element(_RW, _REAL)}
    return {
        "cmi._version": ro, "cmi.completion_threshold": ro, "cmi.credit": ro, "cmi.entry": ro, "cmi.launch_data": ro,
        "cmi.learner_id": ro, "cmi.learner_name": ro, "cmi.max_time_allowed": ro, "cmi.mode": ro,
        "cmi.scaled_passing_score": ro, "cmi.time_limit_action": ro, "cmi.total_time": ro,
        "adl.nav.request_valid.continue": ro, "adl.nav.request_valid.previous": ro,
        "cmi.completion_status": Element(_RW, _vocab(*_COMPLETION)),
        "cmi.success_status": Element(_RW, _vocab(*_SUCCESS)),
        "cmi.exit": Element(_WO, _vocab("time-out", "suspend", "logout", "normal", "")),
        "cmi.session_time": Element(_WO, Kind(DURATION)),
        "cmi.location": Element(_RW, _text(1000)),
        "cmi.suspend_data": Element(_RW, _text(64000)),
        "cmi.progress_measure": Element(_RW, _MEASURE),
        **{f"cmi.score.{k}": v for k, v in score.items()},
        "cmi.comments_from_learner.n.comment": Element(_RW, _text(4000)),
        "cmi.comments_from_learner.n.location": Element(_RW, _text(250)),
        "cmi.comments_from_learner.n.timestamp": Element(_RW, Kind(_TIME_2004)),
        "cmi.learner_preference.audio_level": Element(_RW, Kind(_DECIMAL, low=0)),
        "cmi.learner_preference.language": Element(_RW, Kind(r"|(?:[a-zA-Z]{2,3}|[iIxX])(?:-[a-zA-Z0-9]{1,8})*",
                                                             length=250)),
        "cmi.learner_preference.delivery_speed": Element(_RW, Kind(_DECIMAL, low=0)),
        "cmi.learner_preference.audio_captioning": Element(_RW, _vocab("-1", "0", "1")),
        "cmi.objectives.n.id": Element(_RW, _ID_2004),
        **{f"cmi.objectives.n.score.{k}": v for k, v in score.items()},
        "cmi.objectives.n.success_status": Element(_RW, _vocab(*_SUCCESS)),
        "cmi.objectives.n.completion_status": Element(_RW, _vocab(*_COMPLETION)),
        "cmi.objectives.n.progress_measure": Element(_RW, _MEASURE),
        "cmi.objectives.n.description": Element(_RW, _text(250)),
        "cmi.interactions.n.id": Element(_RW, _ID_2004),
        "cmi.interactions.n.type": Element(_RW, _vocab("true-false", "choice", "fill-in", "long-fill-in", "likert",
                                                       "matching", "performance", "sequencing", "numeric", "other")),
        "cmi.interactions.n.objectives.n.id": Element(_RW, _ID_2004),
        "cmi.interactions.n.timestamp": Element(_RW, Kind(_TIME_2004)),
        "cmi.interactions.n.correct_responses.n.pattern": Element(_RW, _text(7800)),
        "cmi.interactions.n.weighting": Element(_RW, _REAL),
        "cmi.interactions.n.learner_response": Element(_RW, _text(7800)),
        "cmi.interactions.n.result": Element(_RW, Kind(f"correct|incorrect|unanticipated|neutral|{_DECIMAL}")),
        "cmi.interactions.n.latency": Element(_RW, Kind(DURATION)),
        "cmi.interactions.n.description": Element(_RW, _text(250)),
        "adl.nav.request": Element(_RW, Kind(r"continue|previous|exit|exitAll|abandon|abandonAll|suspendAll|_none_"
                                             r"|\{target=[^}]+\}(?:choice|jump)")),
    }


TABLES = {SCORM_12: _table_12(), SCORM_2004: _table_2004()}
# `<element>._children` and the arrays (`<array>._count`, items `<array>.n....`)
CHILDREN = {
    SCORM_12: {"cmi.core": "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,"
                           "lesson_mode,exit,session_time",
               "cmi.core.score": "raw,min,max", "cmi.objectives": "id,score,status",
               "cmi.objectives.n.score": "raw,min,max",
               "cmi.student_data": "mastery_score,max_time_allowed,time_limit_action",
               "cmi.student_preference": "audio,language,speed,text",
               "cmi.interactions": "id,objectives,time,type,correct_responses,weighting,student_response,result,"
                                   "latency"},
    SCORM_2004: {"cmi.comments_from_learner": "comment,location,timestamp",
                 "cmi.comments_from_lms": "comment,location,timestamp", "cmi.score": "scaled,raw,min,max",
                 "cmi.objectives": "id,score,success_status,completion_status,progress_measure,description",
                 "cmi.objectives.n.score": "scaled,raw,min,max",
                 "cmi.learner_preference": "audio_level,language,delivery_speed,audio_captioning",
                 "cmi.interactions": "id,type,objectives,timestamp,correct_responses,weighting,learner_response,"
                                     "result,latency,description"},
}
ARRAYS = {
    SCORM_12: ("cmi.objectives", "cmi.interactions", "cmi.interactions.n.objectives",
               "cmi.interactions.n.correct_responses"),
    SCORM_2004: ("cmi.comments_from_learner", "cmi.comments_from_lms", "cmi.objectives", "cmi.interactions",
                 "cmi.interactions.n.objectives", "cmi.interactions.n.correct_responses"),
}
# what went wrong -> the version's error code
CODES = {
    SCORM_12: {"undefined": 201, "read_only": 403, "write_only": 404, "type": 405, "range": 405, "keyword": 402,
               "no_children": 202, "not_array": 203, "index": 201, "dependency": 201, "not_initialized": 0},
    SCORM_2004: {"undefined": 401, "read_only": 404, "write_only": 405, "type": 406, "range": 407, "keyword": 404,
                 "no_children": 301, "not_array": 301, "index": 351, "dependency": 408, "not_initialized": 403},
}
MESSAGES = {
    SCORM_12: {0: "No error", 101: "General exception", 201: "Invalid argument error",
               202: "Element cannot have children", 203: "Element not an array - cannot have count",
               301: "Not initialized", 401: "Not implemented error", 402: "Invalid set value, element is a keyword",
               403: "Element is read only", 404: "Element is write only", 405: "Incorrect data type"},
    SCORM_2004: {0: "No Error", 101: "General Exception", 102: "General Initialization Failure",
                 103: "Already Initialized", 104: "Content Instance Terminated", 111: "General Termination Failure",
                 112: "Termination Before Initialization", 113: "Termination After Termination",
                 122: "Retrieve Data Before Initialization", 123: "Retrieve Data After Termination",
                 132: "Store Data Before Initialization", 133: "Store Data After Termination",
                 142: "Commit Before Initialization", 143: "Commit After Termination", 201: "General Argument Error",
                 301: "General Get Failure", 351: "General Set Failure", 391: "General Commit Failure",
                 401: "Undefined Data Model Element", 402: "Unimplemented Data Model Element",
                 403: "Data Model Element Value Not Initialized", 404: "Data Model Element Is Read Only",
                 405: "Data Model Element Is Write Only", 406: "Data Model Element Type Mismatch",
                 407: "Data Model Element Value Out Of Range", 408: "Data Model Dependency Not Established"},
}
_INDEX = re.compile(r"\.(\d+)(?=\.|$)")


def shape(name: str) -> tuple[str, list[int]]:
    """`cmi.interactions.3.objectives.0.id` -> (`cmi.interactions.n.objectives.n.id`, [3, 0])."""
    return _INDEX.sub(".n", name), [int(i) for i in _INDEX.findall(name)]


def count(state: dict[str, str], array: str) -> int:
    """How many items an array holds (`array` with its indices filled in: `cmi.interactions.2.objectives`)."""
    prefix = array + "."
    found = [int(m.group(1)) for key in state if key.startswith(prefix)
             for m in [re.match(r"(\d+)\.", key[len(prefix):])] if m]
    return max(found) + 1 if found else 0


def problem_with_value(kind: Kind, value: str) -> str | None:
    """'type' or 'range' when `value` is not one of the kind, else None."""
    if kind.length is not None and len(value) > kind.length:
        return "type"
    if not re.fullmatch(kind.pattern, value, re.ASCII):
        return "type"
    if (kind.low is not None or kind.high is not None) and value != "":
        number = float(value)
        if (kind.low is not None and number < kind.low) or (kind.high is not None and number > kind.high):
            return "range"
    return None


def problem_with_set(version: str, name: str, value: Any, state: dict[str, str]) -> str | None:
    """Why SetValue(name, value) is refused (None: it is accepted), given what the attempt holds."""
    table = TABLES[version]
    if not isinstance(name, str) or not isinstance(value, str):
        return "type"
    if name.endswith(("._children", "._count", "._version")):
        parent, _dot, keyword = name.rpartition(".")
        known = (keyword == "_version" and parent == "cmi") or shape(parent)[0] in CHILDREN[version] \
            or shape(parent)[0] in ARRAYS[version]
        return "keyword" if known else "undefined"
    key, indices = shape(name)
    element = table.get(key)
    if element is None:
        return "undefined"
    if element.access == _RO:
        return "read_only"
    if indices:
        why = _index_problem(name, state)
        if why:
            return why
    return problem_with_value(element.kind, value)


def _index_problem(name: str, state: dict[str, str]) -> str | None:
    """An item is written at an index no further than the array's end, and a new objective or interaction
    starts with its id (what the rest of the item hangs on)."""
    parts = name.split(".")
    for position, part in enumerate(parts):
        if not part.isdigit():
            continue
        array, index = ".".join(parts[:position]), int(part)
        size = count(state, array)
        if index > size:
            return "index"
        has_ids = shape(array)[0] in ("cmi.objectives", "cmi.interactions")
        if index == size and has_ids and ".".join(parts[position + 1:]) != "id":
            return "dependency"
    return None


def code(version: str, problem: str | None) -> int:
    return CODES[version][problem] if problem else 0


def apply(version: str, changes: dict[str, Any], state: dict[str, str]) -> dict[str, str]:
    """`state` with `changes` set in order; the first refused one raises ValueError naming it and its code."""
    merged = dict(state)
    for name, value in changes.items():
        problem = problem_with_set(version, name, value, merged)
        if problem:
            raise ValueError(f"{name}: {MESSAGES[version][code(version, problem)]} "
                             f"(error {code(version, problem)})")
        if version == SCORM_12 and name == "cmi.comments":
            value = (merged.get(name, "") + value)[-4096:]  # 1.2 appends comments
        merged[name] = value
    return merged


def for_client(version: str) -> dict[str, Any]:
    """The table as the shim reads it (JSON)."""
    return {
        "version": version,
        "elements": {key: [e.access, e.kind.pattern, e.kind.length, e.kind.low, e.kind.high]
                     for key, e in TABLES[version].items()},
        "children": CHILDREN[version], "arrays": list(ARRAYS[version]), "codes": CODES[version],
        "messages": {str(k): v for k, v in MESSAGES[version].items()},
    }


def seconds(version: str, value: str | None) -> float:
    """A session or total time (1.2 HHHH:MM:SS.SS, 2004 ISO 8601 duration) in seconds; 0 for none."""
    if not value:
        return 0.0
    if version == SCORM_12:
        found = re.fullmatch(TIMESPAN_12, value)
        return int(found.group(1)) * 3600 + int(found.group(2)) * 60 + float(found.group(3)) if found else 0.0
    found = re.fullmatch(DURATION, value)
    if not found:
        return 0.0
    years, months, days, hours, minutes, secs = (float(g) if g else 0.0 for g in found.groups())
    return (((years * 365 + months * 30 + days) * 24 + hours) * 60 + minutes) * 60 + secs


def timespan(version: str, total: float) -> str:
    """Seconds as the version writes a total time."""
    hours, rest = divmod(round(total, 2), 3600)
    minutes, secs = divmod(rest, 60)
    if version == SCORM_12:
        return f"{int(hours):04d}:{int(minutes):02d}:{secs:05.2f}"
    return f"PT{int(hours)}H{int(minutes)}M{secs:.2f}S"
