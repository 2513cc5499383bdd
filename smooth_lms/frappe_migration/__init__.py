"""Moving a running Frappe LMS site onto Smooth LMS: `bench migrate-from-frappe-lms URL`.

The source is read over its REST API (`smooth.frappe_client`), doctype by doctype in an order
where every Link already has its target, a page at a time. Each page is one unit of work that
also moves the run's cursor, so an interrupted run resumes from the page it was on; every
record made is remembered (LMS Migration Record: source doctype and name -> name here), so a
re-run, or a resumed page, creates nothing twice. What could not be carried is skipped with a
reason, and the run's report (printed, and kept on the LMS Migration Run) lists both.

Modules: `source` (what is read from Frappe LMS), `state` (runs, cursors, the mapping), `report`,
the mappers by concern (`people`, `content`, `cohorts`, `certification`), `steps` (their
order) and `run` (the loop), `command` (the bench command).
"""
