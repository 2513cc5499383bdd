"""Printing: a document through a Print Format to HTML (`render`) and to PDF (`pdf`)."""
