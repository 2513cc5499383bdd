"""Outgoing email: every mail is an Email Queue row first, sent later by a job through SMTP.

`smooth.sendmail` renders (an Email Template or the given message), queues the row in the
caller's transaction (a rollback drops it) and, once committed, enqueues the job that sends
it. A row is claimed before it is sent and keeps a stable Message-ID, so a mail is never lost
and never silently sent twice. Without SMTP in site config mails wait in the queue.
"""
