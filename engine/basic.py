"""A basic, deterministic engine: keyword occasions, fixed palettes, a gradient illustration."""

from __future__ import annotations

import hashlib
import html
import io
import re

from PIL import Image, ImageDraw

from core.models import Concept, Content, PostcardRequest, VisualStyle

_OCCASIONS: dict[str, tuple[tuple[str, ...], list[str], str]] = {
    "birthday": (("birthday", "生日", "生辰"), ["#FFB5C2", "#FFE08A", "#7EC8E3", "#FFFFFF"], "balloons"),
    "thanks": (("thank", "谢", "感恩"), ["#F4A259", "#F9E0BB", "#5B8E7D", "#FFFFFF"], "leaves"),
    "love": (("love", "valentine", "爱", "七夕"), ["#E63946", "#FFD6DA", "#9D0208", "#FFFFFF"], "hearts"),
    "spring_festival": (("春节", "新年", "new year", "拜年"), ["#C1121F", "#FDF0D5", "#F6BD60", "#FFFFFF"],
                        "lanterns"),
    "mid_autumn": (("中秋", "mid-autumn", "月饼"), ["#1D3557", "#F1FAEE", "#E9C46A", "#FFFFFF"], "moon"),
}
_DEFAULT = ("greeting", ["#8ECAE6", "#FFFFFF", "#219EBC", "#023047"], "confetti")


def _is_chinese(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


def _occasion(text: str) -> tuple[str, list[str], str]:
    lowered = text.lower()
    for name, (words, palette, motif) in _OCCASIONS.items():
        if any(word in lowered for word in words):
            return name, palette, motif
    return _DEFAULT


def make_concept(request: PostcardRequest) -> Concept:
    """A concept derived from the request's words."""
    occasion, palette, motif = _occasion(request.user_input)
    language = request.language or ("zh" if _is_chinese(request.user_input) else "en")
    return Concept(
        theme=(request.theme or occasion.replace("_", " "))[:200],
        occasion=occasion,
        emotion="warm",
        tone="warm",
        visual_style=VisualStyle(
            palette=palette,
            composition="soft gradient sky, motifs along the lower third, text area above",
            art_style=(request.style or "flat illustration")[:200],
            motifs=[motif],
        ),
        copy_direction="short and heartfelt",
        audience="a friend",
        language=language,
    )


def write_content(request: PostcardRequest, concept: Concept) -> Content:
    """Simple copy in the request's language."""
    if concept.language.startswith("zh"):
        return Content(title="送给你的明信片", subtitle=concept.theme, language="zh",
                       body=f"愿这张小小的卡片带去我的心意：{request.user_input[:60]}",
                       signature="—— 来自远方的祝福")
    return Content(title="A postcard for you", subtitle=concept.theme, language="en",
                   body=f"A little card to carry my wishes: {request.user_input[:60]}",
                   signature="— with love")


def render_illustration(
    concept: Concept, content: Content | None, *, width: int = 1024, height: int = 1024,
    seed: int = 0,
) -> bytes:
    """A PNG: vertical gradient between the first two palette colours, motif circles below."""
    palette = [tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in concept.visual_style.palette]
    top, bottom = palette[0], palette[1]
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(1, height - 1)
        draw.line([(0, y), (width, y)],
                  fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    digest = hashlib.sha256(f"{concept.theme}|{seed}".encode()).digest()
    for i in range(12):
        x = digest[i] * width // 256
        y = height * 2 // 3 + digest[i + 12] * height // 768
        r = 12 + digest[i + 20] % 40
        draw.ellipse([x - r, y - r, x + r, y + r], fill=palette[2 + i % (len(palette) - 2)])
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False)
    return buffer.getvalue()


def render_page(concept: Concept, content: Content, image_url: str) -> str:
    """A self-contained page: the illustration, the text, a tap to flip."""
    e = html.escape
    accent = concept.visual_style.palette[-1]
    return f"""<!doctype html>
<html lang="{e(content.language)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(content.title)}</title>
<style>
body{{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
background:#222;font-family:system-ui,"Noto Sans CJK SC","PingFang SC",sans-serif}}
.card{{width:min(92vw,420px);aspect-ratio:3/4;position:relative;perspective:900px;cursor:pointer}}
.face{{position:absolute;inset:0;border-radius:16px;overflow:hidden;backface-visibility:hidden;
transition:transform .8s}}
.front{{background:url("{e(image_url)}") center/cover}}
.back{{background:#fff;color:#222;transform:rotateY(180deg);padding:24px;box-sizing:border-box}}
.flipped .front{{transform:rotateY(180deg)}}.flipped .back{{transform:rotateY(360deg)}}
h1{{color:{e(accent)};margin:0 0 8px}}
@media (prefers-reduced-motion: reduce){{.face{{transition:none}}}}
</style></head><body>
<div class="card" id="card" role="button" tabindex="0" aria-label="flip">
<div class="face front"></div>
<div class="face back"><h1>{e(content.title)}</h1><h2>{e(content.subtitle)}</h2>
<p>{e(content.body)}</p><p>{e(content.signature)}</p></div></div>
<script>
const c=document.getElementById('card');
const flip=()=>c.classList.toggle('flipped');
c.addEventListener('click',flip);c.addEventListener('keydown',e=>{{if(e.key==='Enter')flip();}});
</script></body></html>
"""
