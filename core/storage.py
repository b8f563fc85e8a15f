"""Blob storage: images and pages live here; Temporal only sees keys and URLs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol

from core.models import BlobRef


class BlobStore(Protocol):
    """Where bytes go. An S3-compatible store implements the same three methods."""

    def put(self, key: str, data: bytes, content_type: str) -> BlobRef: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...


class LocalBlobStore:
    """A directory on disk, served by the API under `/files/`."""

    def __init__(self, root: Path, public_base_url: str) -> None:
        self.root = root
        self.public_base_url = public_base_url.rstrip("/")

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"blob key escapes the store: {key!r}")
        return path

    def url(self, key: str) -> str:
        """The public URL of a key."""
        return f"{self.public_base_url}/files/{key}"

    def put(self, key: str, data: bytes, content_type: str) -> BlobRef:
        """Write atomically, so a retried step never leaves half a file."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        return BlobRef(key=key, url=self.url(key), content_type=content_type, size_bytes=len(data))

    def get(self, key: str) -> bytes:
        """The bytes of a key; FileNotFoundError when absent."""
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        """Whether a key is stored."""
        return self._path(key).is_file()

    def path(self, key: str) -> Path:
        """The file behind a key (local store only)."""
        return self._path(key)
