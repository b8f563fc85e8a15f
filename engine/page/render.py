"""Step 4: a self-contained HTML page; layout, colours, type and motion follow the concept."""

from __future__ import annotations

import functools
import re
from dataclasses import astuple
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from core.models import Concept, Content
from engine.colour import RGB, contrast, luminance, mix, readable_on, to_hex
from engine.page.styles import page_style
from engine.reading.moods import LAYOUTS, canonical_layout, find_art_style, find_motifs
from engine.reading.occasions import BY_KEY, canonical_occasion
from engine.scene.paint import BLACK, WHITE, Roles
from engine.styles.catalog import style_roles
from engine.text import stable_rng

TEMPLATES = Path(__file__).parent / "templates"
PANEL_ALPHA = 0.96
_SAFE_URL = re.compile(
    r"^(?:https?://|/(?!/)|\./|\.\./|data:image/(?:png|jpeg|webp);base64,)[^\s\"'<>`\\]*$"
    r"|^[\w.-][\w./-]*$"
)
_FONTS = {
    ("zh", "sans"): '"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",'
    '"Source Han Sans SC","WenQuanYi Micro Hei",system-ui,sans-serif',
    ("zh", "serif"): '"Songti SC","STSong","Noto Serif CJK SC","Source Han Serif SC","SimSun",'
    '"PingFang SC",serif',
    ("en", "sans"): 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,'
    '"PingFang SC","Noto Sans CJK SC",sans-serif',
    ("en", "serif"): 'Georgia,"Iowan Old Style","Times New Roman","Songti SC","Noto Serif CJK SC",'
    "serif",
}
_SERIF_TONES = {"elegant", "solemn", "calm", "romantic", "nostalgic", "formal"}
_ENTRANCES = {
    "playful": "pop",
    "cute": "pop",
    "bright": "pop",
    "festive": "pop",
    "elegant": "blur",
    "calm": "blur",
    "solemn": "blur",
    "romantic": "blur",
}
_PACE = {"solemn": 1.6, "calm": 1.3, "elegant": 1.2, "playful": 0.8, "bright": 0.85}
_PARTICLES = {
    "confetti": "confetti",
    "balloons": "bubbles",
    "petals": "petals",
    "plum_blossom": "petals",
    "flowers": "petals",
    "snow": "snow",
    "hearts": "hearts",
    "stars": "sparkles",
    "fireworks": "sparkles",
    "leaves": "leaves",
    "maple_leaves": "leaves",
    "lanterns": "embers",
    "candle": "embers",
    "moon": "sparkles",
    "butterflies": "petals",
    "birds": "petals",
}
_HINTS = {
    "zh": {
        "flip": "轻触翻面",
        "envelope": "轻触拆信",
        "poster": "轻触看图",
        "scroll": "轻触或上滑",
        "back": "轻触阅读",
        "to": "致 {name}",
    },
    "en": {
        "flip": "Tap to turn over",
        "envelope": "Tap to open",
        "poster": "Tap to see the picture",
        "scroll": "Tap or swipe up",
        "back": "Tap to read",
        "to": "For {name}",
    },
}


def _safe_url(url: str) -> str:
    """The image URL if it is an http(s), relative or inline-image URL; otherwise nothing."""
    url = url.strip()
    return url if _SAFE_URL.match(url) else ""


def _image_source(url: str) -> str:
    """The CSP `img-src` that admits exactly where the illustration comes from."""
    parts = urlsplit(url)
    if parts.scheme in {"http", "https"} and parts.netloc:
        return f"{parts.scheme}://{parts.netloc} data:"
    return "'self' data:"


def _over(colour: RGB, backdrop: RGB, opacity: float) -> RGB:
    return mix(backdrop, colour, opacity)


def _readable(colour: RGB, panel: RGB, minimum: float = 4.8) -> RGB:
    """A text colour readable on the panel whatever shows faintly through it."""
    for _ in range(3):
        worst = min(
            (_over(panel, b, PANEL_ALPHA) for b in (BLACK, WHITE)),
            key=lambda p: contrast(colour, p),
        )
        colour = readable_on(colour, worst, minimum)
        if all(contrast(colour, _over(panel, b, PANEL_ALPHA)) >= minimum for b in (BLACK, WHITE)):
            break
    return colour


def _roles(concept: Concept, style: str) -> Roles:
    """The palette the picture was painted with, so the page wears the picture's colours."""
    palette = Roles.from_palette(concept.visual_style.palette)
    return style_roles(style, palette, canonical_occasion(concept.occasion))


def _theme(roles: Roles) -> dict[str, str]:
    dark = roles.night
    panel = mix(roles.sky_top, BLACK, 0.55) if dark else mix(roles.sky_bottom, WHITE, 0.82)
    ink = _readable(
        mix(roles.highlight, WHITE, 0.8) if dark else mix(roles.ink, BLACK, 0.2), panel, 7
    )
    accent = _readable(mix(roles.highlight, WHITE, 0.3) if dark else roles.accent, panel)
    page_top = mix(roles.sky_top, BLACK, 0.2) if dark else roles.sky_top
    page_bottom = mix(roles.scenery, BLACK, 0.35 if dark else 0.1)
    pill = mix(roles.accent, BLACK, 0.1)
    pill_ink = WHITE if contrast(WHITE, pill) >= contrast(BLACK, pill) else (20, 20, 20)
    if contrast(pill_ink, pill) < 4.8:
        pill = (
            mix(roles.accent, BLACK, 0.45) if pill_ink == WHITE else mix(roles.accent, WHITE, 0.6)
        )
    paper = mix(roles.sky_bottom, WHITE, 0.6)
    return {
        "panel": to_hex(panel),
        "panel_rgb": ",".join(str(c) for c in panel),
        "ink": to_hex(ink),
        "soft_ink": to_hex(_readable(mix(ink, panel, 0.25), panel)),
        "accent": to_hex(accent),
        "page_top": to_hex(page_top),
        "page_bottom": to_hex(page_bottom),
        "pill": to_hex(pill),
        "pill_ink": to_hex(pill_ink),
        "paper": to_hex(paper),
        "paper_shade": to_hex(mix(paper, roles.accent, 0.18)),
        "paper_ink": to_hex(_readable(roles.ink, paper)),
        "seal": to_hex(roles.accent),
        "scheme": "dark" if luminance(panel) < 0.2 else "light",
    }


def _particles(concept: Concept) -> list[str]:
    kinds = []
    for motif in concept.visual_style.motifs:
        key = motif.strip().lower().replace(" ", "_")
        key = key if key in _PARTICLES else next(iter(find_motifs(motif.lower())), "")
        if key in _PARTICLES:
            kinds.append(_PARTICLES[key])
    if canonical_occasion(concept.occasion) == "sympathy":
        return ["embers"]
    return list(dict.fromkeys(kinds))[:2] or ["sparkles"]


def _layout(concept: Concept, content: Content) -> str:
    named = canonical_layout(concept.layout or "")
    if named:
        return named
    rng = stable_rng("layout", concept.model_dump_json(exclude={"reading"}), content.title)
    return rng.choice(LAYOUTS)


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(concept: Concept, content: Content, image_url: str) -> str:
    """A self-contained page: the illustration by URL, the words, motion and touch."""
    language = "zh" if content.language.lower().startswith("zh") else "en"
    layout = _layout(concept, content)
    tone = concept.tone.strip().lower()
    occasion = canonical_occasion(concept.occasion)
    label = BY_KEY[occasion].label_zh if language == "zh" and occasion in BY_KEY else ""
    if not label:
        label = BY_KEY[occasion].label_en if occasion in BY_KEY else ""
    url = _safe_url(image_url)
    style = find_art_style(concept.visual_style.art_style.lower()) or "flat"
    dress = page_style(style)
    roles = _roles(concept, style)
    title_font = _FONTS[(language, "serif" if tone in _SERIF_TONES else "sans")]
    hints = _HINTS[language]
    caption = hints["to"].format(name=concept.recipient) if concept.recipient else label
    context = {
        "lang": "zh-CN" if language == "zh" else "en",
        "layout": layout,
        "content": content,
        "image_url": url,
        "img_src": _image_source(url),
        "theme": _theme(roles),
        "style": style,
        "text_area": "bottom"
        if concept.visual_style.text_area.strip().lower() == "bottom"
        else "top",
        "font": dress.title_font[language] if dress.title_font else title_font,
        "body_font": dress.body_font[language] if dress.body_font else _FONTS[(language, "sans")],
        "entrance": dress.entrance or _ENTRANCES.get(tone, "rise"),
        "pace": _PACE.get(tone, 1.0),
        "hint": hints[layout],
        "back_hint": hints["back"],
        "caption": caption or content.subtitle or content.title,
        "config": {
            "layout": layout,
            "particles": _particles(concept) if dress.particles else [],
            "colours": [to_hex(c) for c in astuple(roles)],
            "style": style,
        },
    }
    return _environment().get_template(f"{layout}.html.j2").render(context)
