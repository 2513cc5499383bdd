"""The HR site sending through the SMTP sink, and compliance rows with a known renewal date."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import smooth
from smooth.jobs.execute import call as run_as_job
from smooth.model.document import Document
from tests.api.helpers import set_site_config
from tests.conftest import SiteHandle, make_user
from tests.hr.conftest import make_employee
from tests.lms.conftest import clean
from tests.mail.conftest import Received, SmtpServer


def _forget_logs() -> None:
    for doctype in ("Email Queue", "Error Log", "Scheduled Job Log"):
        for name in smooth.get_all(doctype, pluck="name"):
            smooth.delete_doc(doctype, name, force=True, ignore_permissions=True)
    smooth.db.commit()


@pytest.fixture
def hr_mail(lms_site: SiteHandle, smtp_server: SmtpServer) -> Iterator[SiteHandle]:
    """The LMS + HR site mailing through the sink (jobs inline), cleaned, bound as Administrator."""
    set_site_config(lms_site, redis_queue=None, mail_server="127.0.0.1", mail_port=smtp_server.port,
                    auto_email_id="hr@smooth.test")
    clean(lms_site)
    with lms_site.context():
        _forget_logs()
        yield lms_site
        smooth.db.rollback()
        _forget_logs()
    set_site_config(lms_site, mail_server=None, mail_port=None)
    clean(lms_site)


def to(smtp: SmtpServer, address: str) -> list[Received]:
    return [mail for mail in smtp.sink.received if address in mail.recipients]


def subjects(smtp: SmtpServer, address: str) -> list[str]:
    return [str(mail.message["Subject"]) for mail in to(smtp, address)]


def body(mail: Received) -> str:
    return str(mail.message.get_body(("html",)).get_content())


def completed_row(employee: str, kind: str, completion: dt.date | None = None) -> Document:
    """A Complete row (completion 100 days ago by default: renewal far enough ahead to be Complete today)."""
    with smooth.unit_of_work():
        return smooth.get_doc({"doctype": "Employee Compliance", "employee": employee, "compliance_type": kind,
                               "status": "Complete",
                               "completion_date": completion or smooth.today() - dt.timedelta(days=100)}).insert()


def staff(manager_email: str = "mona@example.com", employee_email: str | None = "eli@example.com",
          **employee_values: object) -> tuple[str, str]:
    """(employee, manager): a manager with a user and an employee reporting to them."""
    with smooth.unit_of_work():
        make_user(manager_email)
        manager = make_employee("Mona", manager_email, last_name="Manager")
        if employee_email:
            make_user(employee_email, "LMS Student")
        employee = make_employee("Eli", employee_email, last_name="Worker", reports_to=manager, **employee_values)
    return employee, manager


def two_schedulers(handle: SiteHandle, job: Callable[..., Any], *args: Any) -> list[Any]:
    """What `job(*args)` returned in each of two threads started at once (as two schedulers would run it)."""
    barrier = threading.Barrier(2)
    outcomes: list[Any] = [None, None]

    def scheduler(index: int) -> None:
        with handle.context():
            try:
                barrier.wait()
                outcomes[index] = run_as_job(job, *args)
            except Exception as exc:
                outcomes[index] = exc

    threads = [threading.Thread(target=scheduler, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes
