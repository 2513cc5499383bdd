"""Encrypted backup files (`*.enc`): AES-256-GCM over 1 MiB chunks, written and read as streams.

A backup can be larger than memory, so it is not one Fernet token: each chunk is sealed on its own
and authenticated with the file's header, its position and whether it is the last, so a chunk
changed, dropped, moved or a file cut short fails to open rather than restoring part of a site.
The key is the site's `backup_encryption_key` (Frappe's site config name: a Fernet key, 32 random
bytes in URL-safe base64), made on the first encrypted backup and kept in the site config, never
in the backup set itself: a copy of the backups alone cannot be read.

    file   = MAGIC (8 bytes) | nonce prefix (8 random bytes) | record* (the last one flagged)
    record = flag (1: 1 if last) | length (4, big-endian) | ciphertext with its 16-byte tag
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import struct
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from smooth.exceptions import ValidationError
from smooth.messages import _

MAGIC = b"SMOOTHE1"
CHUNK = 1 << 20
KEY_SETTING = "backup_encryption_key"
_RECORD = struct.Struct(">BI")


def new_key() -> str:
    return Fernet.generate_key().decode()


def _cipher(key: str) -> AESGCM:
    try:
        raw = base64.urlsafe_b64decode(key.encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ValidationError(_("{0} must be 32 bytes in URL-safe base64 (a Fernet key, as `bench backup "
                                "--encrypt` makes)", KEY_SETTING))
    return AESGCM(raw)


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">QB", index, int(last))


def is_encrypted(path: os.PathLike[str] | str) -> bool:
    return os.fspath(path).endswith(".enc")


class EncryptingWriter(io.RawIOBase):
    """Writes sealed chunks of what it is given to `raw`; `close()` seals the last (possibly empty) one."""

    def __init__(self, raw: IO[bytes], key: str) -> None:
        super().__init__()
        self._raw, self._aead = raw, _cipher(key)
        self._header = MAGIC + os.urandom(8)
        self._raw.write(self._header)
        self._buffer = bytearray()
        self._index = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, plain: bytes, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._header[8:], self._index), plain, _aad(self._header, self._index, last))
        self._raw.write(_RECORD.pack(int(last), len(sealed)) + sealed)
        self._index += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


class DecryptingReader(io.RawIOBase):
    """Reads what an EncryptingWriter wrote; a wrong key or a damaged or cut file raises ValidationError."""

    def __init__(self, raw: IO[bytes], key: str, name: str) -> None:
        super().__init__()
        self._raw, self._aead, self._name = raw, _cipher(key), name
        self._header = raw.read(16)
        if len(self._header) != 16 or not self._header.startswith(MAGIC):
            raise ValidationError(_("{0} is not an encrypted Smooth backup file", name))
        self._plain = b""
        self._at = 0
        self._index = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def _next(self) -> None:
        head = self._raw.read(_RECORD.size)
        if len(head) != _RECORD.size:
            raise ValidationError(_("{0} is cut short: the backup file is incomplete", self._name))
        last, length = _RECORD.unpack(head)
        sealed = self._raw.read(length)
        try:
            self._plain, self._at = self._aead.decrypt(_nonce(self._header[8:], self._index), sealed,
                                             _aad(self._header, self._index, bool(last))), 0
        except InvalidTag:
            raise ValidationError(_("{0} cannot be decrypted with this {1}: it is not the key of the site that "
                                    "took the backup (pass the right one with --encryption-key), or the file is "
                                    "damaged", self._name, KEY_SETTING)) from None
        self._index += 1
        self._done = bool(last)

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while self._at == len(self._plain) and not self._done:
            self._next()
        size = min(len(target), len(self._plain) - self._at)
        target[:size] = self._plain[self._at:self._at + size]
        self._at += size
        return size


def check_key(path: os.PathLike[str] | str, key: str) -> None:
    """Open the first chunk of an encrypted file: a wrong key is refused before anything is replaced."""
    with open(path, "rb") as raw:
        DecryptingReader(raw, key, os.path.basename(path)).read(1)
