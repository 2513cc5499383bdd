"""Secrets of Password fields, kept out of the doctype tables in `__Auth`.

Two modes: `hash` (argon2, one-way: login passwords, API secrets) and `encrypt` (Fernet with
the site's `encryption_key`: secrets Smooth must hand to another service, such as an SMTP
password). The doctype column only ever holds a mask.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import and_, delete, insert, select

from smooth.context import db, local
from smooth.exceptions import AuthenticationError, DoesNotExistError, ValidationError
from smooth.messages import _

_hasher = PasswordHasher()


def hash_password(plain: str) -> str:
    return _hasher.hash(plain)


def verify_hash(stored: str, plain: str) -> bool:
    try:
        return _hasher.verify(stored, plain)
    except (VerificationError, InvalidHashError):
        return False


def encryption_key() -> bytes:
    """The site's `encryption_key` (Fernet's key; also the root of keys that sign, smooth.auth.two_factor)."""
    key = local().site.config.get("encryption_key")
    if not key:
        raise ValidationError(_("This site has no encryption_key in site_config.json; re-create it with bench "
                                "new-site"))
    return key.encode() if isinstance(key, str) else bytes(key)


def fernet() -> Fernet:
    return Fernet(encryption_key())


def set_password(doctype: str, name: str, fieldname: str, plain: str, *, mode: str = "encrypt") -> None:
    stored = hash_password(plain) if mode == "hash" else fernet().encrypt(plain.encode()).decode()
    database = db()
    auth = database.table("__Auth")
    key = and_(auth.c.doctype == doctype, auth.c.name == name, auth.c.fieldname == fieldname)
    database.execute(delete(auth).where(key), write=True)
    database.execute(insert(auth).values(doctype=doctype, name=name, fieldname=fieldname, password=stored,
                                         encrypted=int(mode != "hash")), write=True)


def stored_secret(doctype: str, name: str, fieldname: str) -> tuple[str, int] | None:
    auth = db().table("__Auth")
    row = db().execute(select(auth.c.password, auth.c.encrypted).where(and_(
        auth.c.doctype == doctype, auth.c.name == name, auth.c.fieldname == fieldname))).first()
    return (str(row.password), int(row.encrypted)) if row is not None else None


def get_decrypted_password(doctype: str, name: str, fieldname: str = "password", *,
                           raise_exception: bool = True) -> str | None:
    stored = stored_secret(doctype, name, fieldname)
    if stored is None or not stored[1]:
        if raise_exception:
            raise DoesNotExistError(_("No stored {0} for {1} {2}", fieldname, _(doctype), name))
        return None
    try:
        return fernet().decrypt(stored[0].encode()).decode()
    except InvalidToken:
        raise ValidationError(_("The stored {0} of {1} {2} cannot be decrypted with this site's encryption_key",
                                fieldname, _(doctype), name)) from None


def check_password(doctype: str, name: str, fieldname: str, plain: str) -> bool:
    stored = stored_secret(doctype, name, fieldname)
    return stored is not None and not stored[1] and verify_hash(stored[0], plain)


def check_user_password(user: str, plain: str) -> str:
    """Return the user's name if the password matches and the user is enabled, else raise AuthenticationError."""
    if not check_password("User", user, "password", plain):
        raise AuthenticationError(_("Invalid login credentials"))
    if not db().get_value("User", user, "enabled"):
        raise AuthenticationError(_("User {0} is disabled", user))
    return user


def delete_passwords(doctype: str, name: str) -> None:
    auth = db().table("__Auth")
    db().execute(delete(auth).where(and_(auth.c.doctype == doctype, auth.c.name == name)), write=True)
