"""The CJK fonts a poster is set in, found on the system (Debian's fonts-noto-cjk)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/noto-cjk"),
    Path("/usr/share/fonts/google-noto-cjk"),
    Path("/usr/local/share/fonts"),
)
# Face index of each language's variant inside Noto's .ttc collections (JP, KR, SC, TC, HK).
FACE_INDEX = {"ja": 0, "ko": 1, "zh": 2, "zh-tw": 3, "zh-hant": 3, "zh-hk": 4}
# Faces a poster uses; sans stands in for serif where only Noto Sans CJK is installed.
FACES = {
    "title": ("NotoSerifCJK-Bold.ttc", "NotoSansCJK-Bold.ttc"),
    "text": ("NotoSansCJK-Regular.ttc",),
    "accent": ("NotoSerifCJK-Regular.ttc", "NotoSansCJK-Regular.ttc"),
}
# A code point no font maps: its mask is the font's "missing glyph" box.
_MISSING_PROBE = "\U000effff"


class PosterFontMissing(RuntimeError):
    """No CJK font for posters: the server needs fonts-noto-cjk (or the same files elsewhere)."""


def face_index(language: str) -> int:
    """The collection index for a language code (Simplified Chinese for anything else)."""
    code = language.strip().lower()
    return FACE_INDEX.get(code, FACE_INDEX.get(code[:2], FACE_INDEX["zh"]))


@dataclass(frozen=True)
class FontSet:
    """The font files of one poster's faces."""

    title: Path
    text: Path
    accent: Path
    index: int

    def font(self, face: str, size: int) -> ImageFont.FreeTypeFont:
        """The face at a pixel size."""
        return _load(getattr(self, face), self.index, size)


def find_fonts(language: str = "zh", dirs: Iterable[Path] = FONT_DIRS) -> FontSet:
    """The installed Noto CJK files, or PosterFontMissing naming what to install."""
    dirs = tuple(dirs)
    found: dict[str, Path] = {}
    for face, names in FACES.items():
        for name in names:
            path = next((d / name for d in dirs if (d / name).is_file()), None)
            if path is not None:
                found[face] = path
                break
    if len(found) < len(FACES):
        looked = ", ".join(str(d) for d in dirs)
        raise PosterFontMissing(
            "posters need the Noto CJK fonts (Debian/Ubuntu: apt-get install fonts-noto-cjk); "
            f"NotoSansCJK-Regular.ttc and NotoSansCJK-Bold.ttc were not found in {looked}"
        )
    return FontSet(found["title"], found["text"], found["accent"], face_index(language))


@lru_cache(maxsize=64)
def _load(path: Path, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, index=index, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=4096)
def has_glyph(path: Path, index: int, char: str) -> bool:
    """Whether the font draws `char` as itself rather than its missing-glyph box."""
    font = _load(path, index, 24)
    mask = font.getmask(char)
    missing = font.getmask(_MISSING_PROBE)
    return mask.size != missing.size or bytes(mask) != bytes(missing)


def drawable(text: str, fonts: FontSet, face: str) -> str:
    """`text` without the characters the face cannot draw (emoji, rare symbols)."""
    path: Path = getattr(fonts, face)
    return "".join(ch for ch in text if ch in " \n" or has_glyph(path, fonts.index, ch))
