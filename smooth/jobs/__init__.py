"""Background work: `enqueue` (RQ on Redis, or in-process after commit), the worker, the scheduler.

A job is a dotted path, its keyword arguments, and the site and user it was enqueued for. It
runs through the same unit-of-work door as a request (`smooth.context.unit_of_work`), so it
commits or rolls back as one transaction; a failure is kept as an Error Log record.
"""
