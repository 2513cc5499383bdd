"""`/app/<slug>/view/calendar`: a week or a day of records as blocks placed by time, in the viewer's zone.

A doctype has a calendar when its folder holds `<snake_name>_calendar.json`, e.g.

    {"start": "start_utc", "end": "end_utc", "title": ["member_name", "course"],
     "color_by": "status", "colors": {"Pending": "orange", "Completed": "green", "Cancelled": "red"}}

`start`/`end` name Datetime fields: with options "UTC" they hold UTC instants, otherwise the
system zone's wall clock (Smooth's default). Each value is turned into an instant and then
into the viewer's wall clock one at a time with zoneinfo, never by a shift assumed for the
whole week, so a week in which the clocks change shows every block at its own local time.
The viewer's zone is `?tz=` (an IANA name) when given, else their User time zone, else
the system's. Records come from the permission-checked `get_list` limited to the shown
range: a user sees only what they may read (an evaluator, their own requests).

Query parameters: `view=week|day`, `date=YYYY-MM-DD` (any day of the week to show), `tz=`.
Every control is a link or a GET form: the page works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from smooth.api.request import ApiRequest
from smooth.context import local
from smooth.exceptions import DoesNotExistError, MetaError, ValidationError
from smooth.messages import _
from smooth.meta.doctype import Meta
from smooth.model import user_queries
from smooth.model.time_zones import user_time_zone
from smooth.pages.desk.access import doctype_for, require_desk_user
from smooth.pages.desk.settings import view_settings
from smooth.pages.rendering import render_page

VIEWS = ("week", "day")
COLORS = frozenset({"grey", "blue", "green", "orange", "red", "purple"})
HOUR_PX = 48
DEFAULT_HOURS = (7, 20)
MAX_RECORDS = 500
DEFAULT_MINUTES = 60
UTC = dt.UTC


@dataclass
class CalendarSettings:
    start: str
    end: str | None
    title: list[str]
    color_by: str | None
    colors: dict[str, str]
    start_is_utc: bool
    end_is_utc: bool


@dataclass
class Block:
    name: str
    url: str
    title: str
    when: str
    color: str
    status: str
    start_minute: int
    end_minute: int
    lane: int = 0
    lanes: int = 1
    continues_before: bool = False
    continues_after: bool = False

    @property
    def tall(self) -> bool:
        return (self.end_minute - self.start_minute) * HOUR_PX / 60 >= 44

    def style(self, first_hour: int) -> str:
        top = (self.start_minute - first_hour * 60) * HOUR_PX / 60
        height = max((self.end_minute - self.start_minute) * HOUR_PX / 60, 18)
        width = 100 / self.lanes
        return f"top:{top:.1f}px;height:{height:.1f}px;left:{self.lane * width:.3f}%;width:{width:.3f}%"


@dataclass
class Day:
    date: dt.date
    is_today: bool
    url: str
    blocks: list[Block] = field(default_factory=list)


def calendar_settings(meta: Meta) -> CalendarSettings:
    """The doctype's calendar fields (404 when it declares none, a MetaError naming a wrong field)."""
    raw = view_settings(meta, "calendar")
    if not raw:
        raise DoesNotExistError(_("{0} has no calendar view: its folder has no {1}_calendar.json naming its start "
                                  "field", _(meta.name), meta.path.stem if meta.path else meta.name))

    def datetime_field(key: str, required: bool) -> str | None:
        name = raw.get(key)
        if not name and not required:
            return None
        found = meta.get_field(str(name)) if name else None
        if found is None or found.fieldtype != "Datetime":
            raise MetaError(_("{0} calendar settings: {1} must name a Datetime field, not {2!r}",
                              _(meta.name), key, name))
        return found.fieldname

    start = datetime_field("start", True)
    end = datetime_field("end", False)
    titles = raw.get("title") or meta.title_field or "name"
    titles = [titles] if isinstance(titles, str) else list(titles)
    for name in titles:
        if name != "name" and not meta.has_field(name):
            raise MetaError(_("{0} calendar settings: title field {1!r} does not exist", _(meta.name), name))
    color_by = raw.get("color_by")
    if color_by and not meta.has_field(color_by):
        raise MetaError(_("{0} calendar settings: color_by field {1!r} does not exist", _(meta.name), color_by))
    colors = {str(k): str(v).lower() for k, v in (raw.get("colors") or {}).items()}
    if start is None:
        raise MetaError(_("{0} calendar settings: start is required", _(meta.name)))
    return CalendarSettings(start, end, titles, color_by, colors, _is_utc(meta, start),
                            bool(end) and _is_utc(meta, end))


def _is_utc(meta: Meta, fieldname: str | None) -> bool:
    found = meta.get_field(fieldname or "")
    return found is not None and found.options == "UTC"


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationError(_("{0!r} is not an IANA time zone name (for example Europe/Berlin)", name)) from None


def viewer_zone(asked: str | None) -> str:
    """`?tz=` when given (validated), else the user's Time Zone, else the system's."""
    if asked:
        zone_named(asked)
        return asked
    return user_time_zone()


def local_today(zone: zoneinfo.ZoneInfo) -> dt.date:
    return dt.datetime.now(UTC).astimezone(zone).date()


def parse_day(text: str | None, today: dt.date) -> dt.date:
    if not text:
        return today
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("date must be a day as YYYY-MM-DD, not {0!r}", text)) from None


def wall_to_utc(wall: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The naive UTC instant of a zone's naive wall clock (the first one of a repeated hour)."""
    return wall.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def utc_to_wall(instant: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return instant.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


def _as_datetime(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
    return dt.datetime.fromisoformat(str(value))


def _instant(value: Any, is_utc: bool, system: zoneinfo.ZoneInfo) -> dt.datetime | None:
    stored = _as_datetime(value)
    if stored is None:
        return None
    return stored if is_utc else wall_to_utc(stored, system)


def _stored(instant: dt.datetime, is_utc: bool, system: zoneinfo.ZoneInfo) -> str:
    value = instant if is_utc else utc_to_wall(instant, system)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def fetch(meta: Meta, settings: CalendarSettings, since: dt.datetime, until: dt.datetime) -> list[dict[str, Any]]:
    """Records the user may read that overlap [since, until) (naive UTC), at most MAX_RECORDS + 1."""
    system = zone_named(local().site.time_zone)
    fields = {"name", settings.start, *(f for f in settings.title if f != "name")}
    if settings.end:
        fields.add(settings.end)
    if settings.color_by:
        fields.add(settings.color_by)
    last = settings.end or settings.start
    lower = since if settings.end else since - dt.timedelta(minutes=DEFAULT_MINUTES)
    filters = [[settings.start, "<", _stored(until, settings.start_is_utc, system)],
               [last, ">" if settings.end else ">=", _stored(lower, settings.end_is_utc if settings.end
                                                            else settings.start_is_utc, system)]]
    return user_queries.rows(meta.name, fields=sorted(fields), filters=filters, order_by=f"{settings.start} asc",
                             limit_page_length=MAX_RECORDS + 1)


def _lanes(blocks: list[Block]) -> None:
    """Side by side where they overlap: each cluster of overlapping blocks shares the column's width."""
    blocks.sort(key=lambda b: (b.start_minute, -b.end_minute))
    cluster: list[Block] = []
    lane_ends: list[int] = []
    cluster_end = -1
    for block in blocks:
        if cluster and block.start_minute >= cluster_end:
            for member in cluster:
                member.lanes = len(lane_ends)
            cluster, lane_ends = [], []
        free = next((i for i, end in enumerate(lane_ends) if end <= block.start_minute), None)
        if free is None:
            lane_ends.append(block.end_minute)
            block.lane = len(lane_ends) - 1
        else:
            lane_ends[free] = block.end_minute
            block.lane = free
        cluster.append(block)
        cluster_end = max(cluster_end, block.end_minute)
    for member in cluster:
        member.lanes = len(lane_ends)


def place(rows: list[dict[str, Any]], days: list[Day], settings: CalendarSettings, zone: zoneinfo.ZoneInfo,
          doctype_slug: str) -> None:
    """Put each record on the days it touches, at its wall-clock minutes in `zone`."""
    system = zone_named(local().site.time_zone)
    by_date = {day.date: day for day in days}
    for row in rows:
        start = _instant(row.get(settings.start), settings.start_is_utc, system)
        if start is None:
            continue
        end = _instant(row.get(settings.end), settings.end_is_utc, system) if settings.end else None
        end = end if end and end > start else start + dt.timedelta(minutes=DEFAULT_MINUTES if not settings.end else 15)
        local_start, local_end = utc_to_wall(start, zone), utc_to_wall(end, zone)
        title = " · ".join(str(row.get(f)) for f in settings.title if row.get(f) not in (None, "")) or row["name"]
        status = str(row.get(settings.color_by) or "") if settings.color_by else ""
        color = settings.colors.get(status, "blue")
        when = f"{local_start:%H:%M}–{local_end:%H:%M}"
        if local_end.date() != local_start.date():
            when = f"{local_start:%a %d %b %H:%M} – {local_end:%a %d %b %H:%M}"
        on = local_start.date()
        while on <= local_end.date():
            target = by_date.get(on)
            midnight = dt.datetime.combine(on, dt.time())
            first = max(local_start, midnight)
            last = min(local_end, midnight + dt.timedelta(days=1))
            if target is not None and (last > first or local_start == local_end):
                start_minute = int((first - midnight).total_seconds() // 60)
                end_minute = max(int((last - midnight).total_seconds() // 60), start_minute + 15)
                target.blocks.append(Block(
                    row["name"], f"/app/{doctype_slug}/{row['name']}", title, when,
                    color if color in COLORS else "blue", status, start_minute, end_minute,
                    continues_before=local_start < midnight, continues_after=local_end > last))
            on += dt.timedelta(days=1)
    for day in days:
        _lanes(day.blocks)


def _offset(instant: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    offset = instant.replace(tzinfo=UTC).astimezone(zone).utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def zone_changes(days: list[Day], zone: zoneinfo.ZoneInfo) -> list[tuple[dt.date, str]]:
    """(day, offset) where the zone's UTC offset at the end of a shown day differs from its start."""
    changes = []
    for day in days:
        start = wall_to_utc(dt.datetime.combine(day.date, dt.time()), zone)
        end = wall_to_utc(dt.datetime.combine(day.date + dt.timedelta(days=1), dt.time()), zone)
        if _offset(start, zone) != _offset(end, zone):
            changes.append((day.date, _offset(end, zone)))
    return changes


def show_calendar(api: ApiRequest, slug: str) -> Response:
    require_desk_user(api)
    meta = doctype_for(slug)
    settings = calendar_settings(meta)
    params = api.request.query_params
    view = params.get("view") or "week"
    if view not in VIEWS:
        raise ValidationError(_("view must be week or day, not {0!r}", view))
    asked_zone = params.get("tz") or None
    zone_name = viewer_zone(asked_zone)
    zone = zone_named(zone_name)
    today = local_today(zone)
    anchor = parse_day(params.get("date"), today)
    first = anchor - dt.timedelta(days=anchor.weekday()) if view == "week" else anchor
    count = 7 if view == "week" else 1
    dates = [first + dt.timedelta(days=i) for i in range(count)]

    def link(**changes: Any) -> str:
        values = {"view": view, "date": anchor.isoformat(), **({"tz": asked_zone} if asked_zone else {})}
        values.update(changes)
        return f"/app/{slug}/view/calendar?{urlencode(values)}"

    days = [Day(d, d == today, link(view="day", date=d.isoformat())) for d in dates]
    since = wall_to_utc(dt.datetime.combine(dates[0], dt.time()), zone)
    until = wall_to_utc(dt.datetime.combine(dates[-1] + dt.timedelta(days=1), dt.time()), zone)
    rows = fetch(meta, settings, since, until)
    truncated = len(rows) > MAX_RECORDS
    place(rows[:MAX_RECORDS], days, settings, zone, slug)
    blocks = [b for d in days for b in d.blocks]
    first_hour = min([DEFAULT_HOURS[0], *(b.start_minute // 60 for b in blocks)])
    last_hour = max([DEFAULT_HOURS[1], *(-(-b.end_minute // 60) for b in blocks)])
    step = dt.timedelta(days=count)
    legend = [(status, color) for status, color in settings.colors.items() if color in COLORS]
    return render_page(api, "desk/calendar.html", {
        "doctype": meta.name, "list_url": f"/app/{slug}", "view": view, "days": days,
        "first_hour": first_hour, "hours": list(range(first_hour, last_hour)), "hour_px": HOUR_PX,
        "grid_height": (last_hour - first_hour) * HOUR_PX, "zone": zone_name, "asked_zone": asked_zone or "",
        "offset": _offset(since, zone), "changes": zone_changes(days, zone), "truncated": truncated,
        "max_records": MAX_RECORDS, "total": len(blocks), "legend": legend, "anchor": anchor,
        "prev_url": link(date=(anchor - step).isoformat()), "next_url": link(date=(anchor + step).isoformat()),
        "today_url": link(date=today.isoformat()), "week_url": link(view="week"), "day_url": link(view="day"),
        "action": f"/app/{slug}/view/calendar",
    })
