"""Authentication as Frappe clients expect it: login sessions, API tokens, CSRF, login throttling.

`smooth.api.auth_hook.resolve_user` calls into `tokens` and `sessions` for every request;
`login` registers the `login`, `logout` and `get_logged_user` API methods (imported by the
ASGI app). Sessions and login-failure counters live in Redis when the site config has
`redis_url`, else in the database (sessions) and in process memory (counters).
"""
