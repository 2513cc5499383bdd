"""Files in an S3-compatible object store (AWS S3, MinIO, Ceph, Garage, ...): what several hosts share.

Site config:

    "file_storage": {"type": "s3", "bucket": "smooth-files", "endpoint_url": "https://s3.example.com",
                     "region_name": "eu-west-1", "access_key_id": "...", "secret_access_key": "...",
                     "prefix": "<site>/", "url_expiry_seconds": 60}

Without keys boto3 finds credentials as usual (environment, instance role). Objects are
`<prefix>public/<name>` and `<prefix>private/<name>`; the bucket stays private (no public ACL):
every download, public or private, is a redirect to a presigned GET that lives
`url_expiry_seconds` (default 60), issued only after the site's permission check, and carrying
the download's Content-Type and Content-Disposition. A new object is written with
`If-None-Match: *`, so two hosts storing the same name at once never overwrite each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from smooth.exceptions import ValidationError
from smooth.file_storage.names import free_name

DEFAULT_EXPIRY_SECONDS = 60
_TAKEN = {"PreconditionFailed", "ConditionalRequestConflict"}
_MISSING = {"NoSuchKey", "404", "NotFound"}


class S3Storage:
    def __init__(self, config: dict[str, Any], default_prefix: str) -> None:
        if not config.get("bucket"):
            raise ValidationError("site_config file_storage of type s3 needs a bucket")
        self.bucket = str(config["bucket"])
        self.prefix = str(config.get("prefix", default_prefix))
        self.expiry = int(config.get("url_expiry_seconds") or DEFAULT_EXPIRY_SECONDS)
        self.client = boto3.client(
            "s3", endpoint_url=config.get("endpoint_url"), region_name=config.get("region_name"),
            aws_access_key_id=config.get("access_key_id"), aws_secret_access_key=config.get("secret_access_key"),
            config=Config(signature_version="s3v4", retries={"max_attempts": 3, "mode": "standard"}))

    def key(self, private: bool, name: str) -> str:
        return f"{self.prefix}{'private' if private else 'public'}/{name}"

    def save(self, private: bool, name: str, content: bytes) -> str:
        candidate = name
        for _attempt in range(50):
            try:
                self.client.put_object(Bucket=self.bucket, Key=self.key(private, candidate), Body=content,
                                       IfNoneMatch="*")
                return candidate
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") not in _TAKEN:
                    raise
                candidate = free_name(name)
        raise ValidationError(f"Could not find a free file name for {name} in bucket {self.bucket}")

    def read(self, private: bool, name: str) -> bytes | None:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.key(private, name))["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise
        return bytes(body.read())

    def delete(self, private: bool, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(private, name))

    def signed_url(self, private: bool, name: str, media_type: str, disposition: str) -> str | None:
        return str(self.client.generate_presigned_url(
            "get_object", ExpiresIn=self.expiry,
            Params={"Bucket": self.bucket, "Key": self.key(private, name), "ResponseContentType": media_type,
                    "ResponseContentDisposition": disposition}))

    def path(self, private: bool, name: str) -> None:
        return None

    def names(self, private: bool) -> Iterator[str]:
        start = self.key(private, "")
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start):
            yield from (str(item["Key"])[len(start):] for item in page.get("Contents", []))

    def opened(self, private: bool, name: str) -> tuple[IO[bytes], int]:
        found = self.client.get_object(Bucket=self.bucket, Key=self.key(private, name))
        return found["Body"], int(found["ContentLength"])

    def put(self, private: bool, name: str, stream: IO[bytes]) -> None:
        self.client.upload_fileobj(_ReadOnly(stream), self.bucket, self.key(private, name))


class _ReadOnly:
    """Only `read` of a stream: a tar member claims to seek but cannot, and boto3 would try (a multipart
    upload of a non-seekable stream reads it once, in parts)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.read = stream.read
