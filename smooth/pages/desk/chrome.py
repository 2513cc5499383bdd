"""The desk's frame around a page: the workspace sidebar and the unread-notifications link.

`desk/layout.html` calls these only when it draws the frame, so a page without it (the login
page, most portal pages) runs no query for them; the page renderer hands them to every template.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from smooth.pages.desk.notices import unread_notices
from smooth.pages.desk.workspaces import visible_workspaces

CHROME: dict[str, Callable[[], Any]] = {"desk_workspaces": visible_workspaces, "desk_notices": unread_notices}
