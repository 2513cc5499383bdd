"""Connections to outside services: Google Calendar (configured by admins in the desk), other Frappe sites."""
