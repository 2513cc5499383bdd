"""Smooth's version (the facade re-exports it as `smooth.__version__`)."""

VERSION = "0.1.0"
