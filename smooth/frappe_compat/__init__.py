"""Frappe's `frappe` module for Frappe-written app code, on Smooth's API.

`finder` maps the name `frappe` onto the `frappe` package here (installed only when an app's code
imports frappe); the modules beside it adapt Frappe's signatures to Smooth's functions, and
`static_check` tells `bench check` which `frappe.*` names an app uses that are not provided.
"""
