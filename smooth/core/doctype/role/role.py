"""Role: a name DocPerms grant rights to; `desk_access` decides whether its users are System Users."""

from __future__ import annotations

from smooth.core.doctype.user.user import desk_user_type
from smooth.model.database_api import document_db
from smooth.model.document import Document


class Role(Document):
    def on_update(self) -> None:
        if not self.is_new() and self.has_value_changed("desk_access"):
            retype_users_of(self.name)


def retype_users_of(role: str) -> None:
    """Recompute the user type of everyone holding `role` (its desk access changed)."""
    database = document_db()
    users = database.get_all("Has Role", pluck="parent", filters={"role": role, "parenttype": "User"}, order_by="")
    for user in dict.fromkeys(users):
        if user in ("Administrator", "Guest"):
            continue
        roles = database.get_all("Has Role", pluck="role", filters={"parent": user, "parenttype": "User"}, order_by="")
        database.set_value("User", user, {"user_type": desk_user_type(roles)}, update_modified=False)
