"""Field-level permissions over HTTP: the REST read and the desk form show a level-N field only to roles with
a DocPerm row at level N, and the form offers it for editing only to roles that may write it.

The test app's Test Payslip (tests/core/test_field_levels.py has the rules): `salary` and its lines'
`amount` at level 1, `board_note` at level 2 (no role reaches it).
"""

from __future__ import annotations

import re

import smooth
from tests.api.helpers import Api
from tests.conftest import make_user

READER, WRITER, CREATOR = "reader@levels.example.com", "writer@levels.example.com", "creator@levels.example.com"


def _payslip(api: Api) -> str:
    with api.handle.context():
        make_user(READER, "Test Reader")
        make_user(WRITER, "Test Writer")
        make_user(CREATOR, "Test Creator")
        name = smooth.get_doc({"doctype": "Test Payslip", "employee_name": "Ann", "salary": 5432,
                               "board_note": "raise due", "lines": [{"item": "base", "amount": 4321}]}).insert().name
        smooth.db.commit()
    return str(name)


def test_rest_and_desk_form_show_each_level_to_its_roles(api: Api) -> None:
    name = _payslip(api)
    data = api.get(f"/api/resource/Test Payslip/{name}", user=READER).json()["data"]
    assert data["employee_name"] == "Ann" and "salary" not in data and "board_note" not in data
    assert "amount" not in data["lines"][0]
    listed = api.list("Test Payslip", user=READER, fields='["name", "salary"]').json()["data"]
    assert listed == [{"name": name}]

    forms = {user: api.get(f"/app/test-payslip/{name}", user=user) for user in (READER, WRITER, CREATOR)}
    for user, response in forms.items():
        assert response.status_code == 200, (user, response.text[:500])
        assert "raise due" not in response.text and "Board Note" not in response.text, user
    reader = forms[READER].text
    assert "5432" not in reader and "4321" not in reader and "Salary" not in reader
    writer = forms[WRITER].text
    assert "5432" in writer and not re.search(r'<input[^>]*name="salary"', writer), "shown read only"
    creator = forms[CREATOR].text
    assert re.search(r'<input[^>]*name="salary"[^>]*value="5432', creator) or \
        re.search(r'<input[^>]*value="5432[^"]*"[^>]*name="salary"', creator), "editable for a level-1 writer"


def test_the_history_shows_a_change_only_to_who_may_read_the_field(api: Api) -> None:
    name = _payslip(api)
    with api.handle.context():
        doc = smooth.get_doc("Test Payslip", name)
        doc.update({"employee_name": "Ann B", "salary": 6543, "board_note": "promoted"})
        doc.save()
        smooth.db.commit()
    seen = {user: api.get(f"/app/test-payslip/{name}/activity", user=user) for user in (READER, WRITER)}
    for user, response in seen.items():
        assert response.status_code == 200, (user, response.text[:500])
        assert "Ann B" in response.text and "promoted" not in response.text, user
    assert "6543" not in seen[READER].text and "5432" not in seen[READER].text
    assert "6543" in seen[WRITER].text
