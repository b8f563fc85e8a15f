"""Blob storage: images and pages live here; Temporal only sees keys and URLs.

Only three kinds of key exist: `images/<task>.png|jpg|webp`, `pages/<task>.html` and
`posters/<task>.png` (`<task>` may carry a `-r<revision>` suffix). An image's extension and
content type always come from its bytes (magic numbers), never from a name a model chose.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from core.models import BlobRef

KEY = re.compile(
    r"^(?P<folder>images|pages|posters)/(?P<task_id>[0-9A-Za-z_-]{1,64}?)"
    r"(?:-r(?P<revision>[0-9]{1,6}))?\.(?P<ext>png|jpg|webp|html)$"
)
EXTENSIONS = {"images": ("png", "jpg", "webp"), "pages": ("html",), "posters": ("png",)}
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "html": "text/html; charset=utf-8",
}
SNIFF_BYTES = 12


class InvalidBlob(ValueError):
    """A key outside the three kinds, or bytes that are not what the key says."""


@dataclass(frozen=True)
class BlobKey:
    """A valid key's parts."""

    folder: str
    task_id: str
    ext: str

    @property
    def is_image(self) -> bool:
        """Images and posters: their type is read from their bytes."""
        return self.folder != "pages"


def parse_key(key: str) -> BlobKey:
    """The parts of a valid key; InvalidBlob for anything else."""
    match = KEY.match(key)
    if not match or match["ext"] not in EXTENSIONS[match["folder"]]:
        raise InvalidBlob(f"not a blob key: {key!r}")
    return BlobKey(match["folder"], match["task_id"], match["ext"])


def image_extension(head: bytes) -> str | None:
    """png, jpg or webp from the first bytes of a file; None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def checked_key(key: str, data: bytes) -> str:
    """The key under which these bytes are stored: an image's extension follows its bytes."""
    parts = parse_key(key)
    if not parts.is_image:
        return key
    ext = image_extension(data[:SNIFF_BYTES])
    if ext is None or ext not in EXTENSIONS[parts.folder]:
        raise InvalidBlob(f"{key!r}: the bytes are not a {'/'.join(EXTENSIONS[parts.folder])}")
    return key if ext == parts.ext else f"{key.rsplit('.', 1)[0]}.{ext}"


def poster_key(task_id: str, revision: int) -> str:
    """Where a revision's poster is cached."""
    return f"posters/{task_id}-r{revision}.png"


class BlobStore(Protocol):
    """Where bytes go. An S3-compatible store implements the same four methods."""

    def put(self, key: str, data: bytes, content_type: str) -> BlobRef: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...


class LocalBlobStore:
    """A directory on disk, served by the API under `/files/`."""

    def __init__(self, root: Path, public_base_url: str) -> None:
        self.root = root
        # Resolved once: resolving walks every component of the path (a system call each).
        self._resolved_root = root.resolve()
        self.public_base_url = public_base_url.rstrip("/")

    def _path(self, key: str) -> Path:
        parse_key(key)
        path = (self.root / key).resolve()
        if self._resolved_root not in path.parents:
            raise InvalidBlob(f"blob key escapes the store: {key!r}")
        return path

    def url(self, key: str) -> str:
        """The public URL of a key."""
        return f"{self.public_base_url}/files/{key}"

    def put(self, key: str, data: bytes, content_type: str) -> BlobRef:
        """Write atomically, so a retried step never leaves half a file.

        An image is stored under the extension its bytes say (the returned key may differ
        from `key` in that), with the content type of its bytes; `content_type` is only a hint.
        """
        key = checked_key(key, data)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        stored_type = CONTENT_TYPES[parse_key(key).ext]
        return BlobRef(key=key, url=self.url(key), content_type=stored_type, size_bytes=len(data))

    def get(self, key: str) -> bytes:
        """The bytes of a key; FileNotFoundError when absent."""
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        """Whether a key is stored."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove a key; one that is already gone is fine (deletes are retried)."""
        self._path(key).unlink(missing_ok=True)

    def path(self, key: str) -> Path:
        """The file behind a key (local store only)."""
        return self._path(key)

    def content_type(self, key: str) -> str:
        """The content type of a stored blob from its bytes; InvalidBlob when they disagree."""
        parts = parse_key(key)
        if not parts.is_image:
            return CONTENT_TYPES[parts.ext]
        with self._path(key).open("rb") as handle:
            ext = image_extension(handle.read(SNIFF_BYTES))
        if ext != parts.ext:
            raise InvalidBlob(f"{key!r}: the stored bytes are not a {parts.ext}")
        return CONTENT_TYPES[ext]
