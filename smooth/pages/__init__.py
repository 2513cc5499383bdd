"""HTML pages: the login page, the desk at /app and the apps' portal pages.

Pages are rendered on the server from doctype metadata with Jinja2 (autoescape on) and run
through the same unit-of-work door, authentication and permission checks as the REST API
(`smooth.api.dispatch`); a failure becomes an HTML page with the server's message instead
of the JSON envelope.
"""
