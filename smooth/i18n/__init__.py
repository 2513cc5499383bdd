"""Translations: gettext catalogs per app (`catalogs`), the language of the unit of work (`language`),
locale-aware dates and numbers (`formatting`), and the `bench` commands' extraction (`extraction`)."""
