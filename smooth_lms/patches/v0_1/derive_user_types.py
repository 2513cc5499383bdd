"""Give every user the type their roles give them: learners created before the rule were System Users
and could open the desk (a user saved since has it already)."""

from __future__ import annotations

import smooth


def execute() -> None:
    for name in smooth.get_all("User", filters={"name": ["not in", ["Administrator", "Guest"]]}, pluck="name"):
        user = smooth.get_doc("User", name)
        user.set_user_type()
        if user.user_type != smooth.db.get_value("User", name, "user_type"):
            user.db_set("user_type", user.user_type, update_modified=False)
