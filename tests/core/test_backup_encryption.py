"""Encrypted backup streams (smooth.backup_encryption): chunk by chunk, and no chunk may be lost or moved."""

from __future__ import annotations

import io

import pytest

from smooth import backup_encryption
from smooth.backup_encryption import DecryptingReader, EncryptingWriter, new_key
from smooth.exceptions import ValidationError


def _sealed(plain: bytes, key: str) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, key)
    for at in range(0, len(plain), 7):
        writer.write(plain[at:at + 7])
    writer.close()
    return out.getvalue()


def _opened(sealed: bytes, key: str) -> bytes:
    return DecryptingReader(io.BytesIO(sealed), key, "part.enc").read()


def test_chunks_round_trip_and_a_cut_or_reordered_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup_encryption, "CHUNK", 16)
    key, plain = new_key(), bytes(range(256)) * 3
    sealed = _sealed(plain, key)
    assert _opened(sealed, key) == plain and plain[:64] not in sealed
    assert _opened(_sealed(b"", key), key) == b""
    record = 5 + 16 + 16  # flag and length, a 16-byte chunk, its tag
    with pytest.raises(ValidationError, match="cut short"):
        _opened(sealed[:16 + 3 * record], key)  # whole records, the last one missing
    swapped = sealed[:16] + sealed[16 + record:16 + 2 * record] + sealed[16:16 + record] + sealed[16 + 2 * record:]
    with pytest.raises(ValidationError, match="cannot be decrypted"):
        _opened(swapped, key)
    with pytest.raises(ValidationError, match="cannot be decrypted"):
        _opened(sealed, new_key())
    with pytest.raises(ValidationError, match="must be 32 bytes"):
        EncryptingWriter(io.BytesIO(), "not a key")
