"""Personal data requests: what records name a person (the apps' `user_data_fields`), a copy of them for
the person (`archive`), and their erasure (`erasure`): see docs/personal-data.md."""
