"""The private storage of documents' contents: STORAGES["documents"] (a folder under var/ by default,
outside the static and media roots; an S3-compatible bucket through django-storages in production,
docs/security.md). Contents are reached only through the download view, never by a URL of the storage."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils import timezone

ALIAS = "documents"


def backend() -> Storage:
    return storages[ALIAS]


def store(content: bytes) -> str:
    """Save `content` under a fresh random name (nothing of the family or of the file's name in it)."""
    name = f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
    return backend().save(name, ContentFile(content))


def read(name: str) -> bytes:
    with backend().open(name, "rb") as handle:
        return handle.read()


def open_stream(name: str):
    return backend().open(name, "rb")


def erase(name: str) -> None:
    """Remove a content for good: only an anonymisation decision does it (documents.retention)."""
    if name and backend().exists(name):
        backend().delete(name)
