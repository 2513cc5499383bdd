"""Users, roles, passwords and API keys."""

from __future__ import annotations

import click

from smooth.cli.bench import Bench, pass_bench
from smooth.model.records import get_doc


@click.command("add-user")
@click.argument("email")
@click.option("--first-name", help="Defaults to the part of the email before @.")
@click.option("--last-name")
@click.option("--password")
@click.option("--role", "roles", multiple=True, help="Role to give (repeatable).")
@pass_bench
def add_user(bench: Bench, email: str, first_name: str | None, last_name: str | None, password: str | None,
             roles: tuple[str, ...]) -> None:
    """Create a user: a System User when a role has desk access, else a portal-only Website User."""
    with bench.unit():
        user = get_doc({
            "doctype": "User", "email": email, "first_name": first_name or email.split("@")[0],
            "last_name": last_name, "new_password": password,
            "roles": [{"role": r} for r in roles],
        }).insert()
    click.echo(f"Added user {user.name}" + (f" with roles {', '.join(roles)}" if roles else ""))


@click.command("add-role")
@click.argument("name")
@click.option("--no-desk-access", is_flag=True, help="A portal-only role.")
@pass_bench
def add_role(bench: Bench, name: str, no_desk_access: bool) -> None:
    """Create a role."""
    with bench.unit():
        get_doc({"doctype": "Role", "role_name": name, "desk_access": int(not no_desk_access)}).insert()
    click.echo(f"Added role {name}")


@click.command("set-password")
@click.argument("user")
@click.argument("password", required=False)
@pass_bench
def set_password(bench: Bench, user: str, password: str | None) -> None:
    """Set USER's password (asked for when not given)."""
    if not password:
        password = click.prompt(f"New password for {user}", hide_input=True, confirmation_prompt=True)
    with bench.unit():
        doc = get_doc("User", user)
        doc.new_password = password
        doc.save()
    click.echo(f"Password of {user} updated")


@click.command("generate-api-key")
@click.argument("user")
@pass_bench
def generate_api_key(bench: Bench, user: str) -> None:
    """Give USER a new API key pair (replacing any old one) and print it; the secret is shown only now."""
    with bench.unit():
        doc = get_doc("User", user)
        key, secret = doc.generate_api_credentials()
    click.echo(f"API key pair of {user} (the secret is not stored and will not be shown again):")
    click.echo(f"api_key: {key}")
    click.echo(f"api_secret: {secret}")
    click.echo(f"Authorization: token {key}:{secret}")
