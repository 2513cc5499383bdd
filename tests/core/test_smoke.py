import smooth


def test_site_is_installed(ctx):
    assert smooth.db.exists("User", "Administrator")
    assert "System Manager" in smooth.get_roles("Administrator")
    assert smooth.db.get_value("System Settings", None, "time_zone") == "UTC"
