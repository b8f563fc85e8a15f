"""Open Graph and Twitter card tags, so a pasted preview link unfurls in chat apps.

Unfurlers send no API key: with keys on, the poster URL carries the card's share token (the
preview link they fetched carried it too)."""

from __future__ import annotations

import html
from urllib.parse import quote

from api.posters import poster_url
from api.sharing import shared
from core.db import PostcardRun
from core.models import Content, PostcardStatus
from core.settings import Settings
from engine import plain_text as clean

DESCRIPTION_CHARS = 200


def _description(content: Content) -> str:
    text = " ".join(clean(part).replace("\n", " ") for part in (content.subtitle, content.body))
    text = text.strip()
    if len(text) <= DESCRIPTION_CHARS:
        return text
    return text[: DESCRIPTION_CHARS - 1].rstrip() + "…"


def link_preview_tags(settings: Settings, row: PostcardRun) -> str:
    """The `<meta>` tags of a postcard's COMPLETED run (title, description, poster); else none."""
    if row.status != PostcardStatus.COMPLETED.value or not row.content:
        return ""
    content = Content.model_validate(row.content)
    page = f"{settings.effective_public_base_url}/preview/{quote(row.task_id, safe='')}"
    image = poster_url(settings, row)
    title = clean(content.title).replace("\n", " ")
    properties = {
        "og:type": "website",
        "og:site_name": "Postcard Studio",
        "og:title": title,
        "og:description": _description(content),
        "og:url": shared(settings, page, row.task_id) or page,
        "og:image": image,
        "og:image:type": "image/png",
        "og:image:width": "1080",
        "og:image:alt": title,
    }
    names = {
        "twitter:card": "summary_large_image",
        "twitter:title": title,
        "twitter:description": _description(content),
        "twitter:image": image,
        "twitter:image:alt": title,
    }
    tags = [
        f'<meta property="{key}" content="{html.escape(value)}">'
        for key, value in properties.items()
    ]
    tags += [f'<meta name="{key}" content="{html.escape(value)}">' for key, value in names.items()]
    return "\n".join(tags)
