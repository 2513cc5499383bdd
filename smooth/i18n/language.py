"""The language a unit of work speaks: the user's `language` (User), else System Settings' `language`,
else English, as Frappe chooses it; Guests read the site's.

Read at the first string translated in a unit (one cached read: User and Singles are in the site
cache) and kept on the unit for its user; `override` switches it for a block (a mail rendered in its
recipient's language). `x-rtl` is a pseudo-language for checking right-to-left layout: every string
is shown bracketed and the page runs right to left.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from babel import Locale, UnknownLocaleError
from sqlalchemy.exc import SQLAlchemyError

from smooth.context import db, is_initialized, local
from smooth.exceptions import ValidationError

DEFAULT = "en"
PSEUDO_RTL = "x-rtl"
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", PSEUDO_RTL})


def normalize(code: object) -> str:
    """`de_DE` and `DE-de` as `de-DE`; empty for nothing."""
    text = str(code or "").strip().replace("_", "-")
    if not text:
        return ""
    base, _, region = text.partition("-")
    return f"{base.lower()}-{region.upper()}" if region and base.lower() != "x" else text.lower()


def check(code: object, label: str = "Language") -> str:
    """`code` normalised, or a ValidationError when no language has that code (`x-rtl` is the test pseudo-one)."""
    text = normalize(code)
    if not text or text == PSEUDO_RTL:
        return text
    try:
        Locale.parse(text.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise ValidationError(f"{label} {code!r} is not a language code (for example de, fr or pt-BR)") from None
    return text


def _stored(user: str) -> str:
    database = db()
    try:
        own = database.get_value("User", user, "language") if user not in ("Guest", "") else None
        site = database.get_singles_dict("System Settings").get("language")
    except SQLAlchemyError:  # a site not yet migrated to the language fields
        return DEFAULT
    return normalize(own) or normalize(site) or DEFAULT


def user_language(user: str) -> str:
    """`user`'s language (theirs, else the site's, else English); English while the database cannot be reached,
    so a refusal raised before any query (an unknown API path) is still answered as itself, not as an outage."""
    try:
        return db().cached(("language", user), lambda: _stored(user))
    except SQLAlchemyError:
        return DEFAULT


def user_languages(users: Iterable[str]) -> dict[str, str]:
    """Each of `users`' language in one read, for a batch of mails (an address with no User reads the site's)."""
    database = db()
    wanted = sorted({u for u in users if u not in ("Guest", "")})
    try:
        site = normalize(database.get_singles_dict("System Settings").get("language")) or DEFAULT
        own = dict(database.get_all("User", filters={"name": ["in", wanted]}, fields=["name", "language"],
                                    as_list=True)) if wanted else {}
    except SQLAlchemyError:  # a site not yet migrated to the language fields
        return dict.fromkeys(wanted, DEFAULT)
    return {user: normalize(own.get(user)) or site for user in wanted}


def group_by_language(users: Iterable[str]) -> list[tuple[str, list[str]]]:
    """`users` grouped by their language (one read), in language order: one mail per language to several people,
    each reading it in theirs."""
    wanted = list(dict.fromkeys(users))
    languages = user_languages(wanted)
    groups: dict[str, list[str]] = {}
    for user in wanted:
        groups.setdefault(languages.get(user, DEFAULT), []).append(user)
    return sorted(groups.items())


def current() -> str:
    """The language of the current unit of work ("en" outside one)."""
    if not is_initialized():
        return DEFAULT
    bound = local()
    if bound.lang is None or bound.lang[0] != bound.user:
        bound.lang = (bound.user, user_language(bound.user))
    return bound.lang[1]


def direction(lang: str | None = None) -> str:
    """"rtl" or "ltr" for the page's `dir`."""
    code = lang or current()
    return "rtl" if code in RTL_LANGUAGES or code.split("-")[0] in RTL_LANGUAGES else "ltr"


@contextmanager
def override(lang: str | None) -> Iterator[None]:
    """Translate into `lang` inside the block (nothing changes for an empty `lang`)."""
    if not is_initialized() or not lang:
        yield
        return
    bound = local()
    before = bound.lang
    bound.lang = (bound.user, normalize(lang))
    try:
        yield
    finally:
        bound.lang = before
