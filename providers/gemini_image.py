"""Gemini paints the illustration through `generate_content` with image output."""

from __future__ import annotations

import io
from math import gcd

from google import genai
from google.genai import types
from PIL import Image

from core.models import Concept, Content, PostcardRequest
from core.settings import Settings
from providers.base import Picture
from providers.errors_map import output_invalid
from providers.gemini_client import GeminiCaller, finish_reason, usage_of
from providers.prompts import image_prompt, request_language
from providers.strategy import model_for

ASPECT_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")


def image_config(size: str, quality: str = "standard") -> types.ImageConfig:
    """`GEMINI_IMAGE_SIZE` (e.g. 1024x1536) and `GEMINI_IMAGE_QUALITY` as ratio and size class."""
    try:
        width, height = (int(part) for part in size.lower().split("x", 1))
    except ValueError:
        width, height = 1024, 1024
    divisor = gcd(width, height) or 1
    exact = f"{width // divisor}:{height // divisor}"
    ratio = (
        exact
        if exact in ASPECT_RATIOS
        else min(
            ASPECT_RATIOS,
            key=lambda r: abs(int(r.split(":")[0]) / int(r.split(":")[1]) - width / max(height, 1)),
        )
    )
    longest = max(width, height)
    # Only larger sizes are requested explicitly: older image models reject `imageSize`.
    image_size = "4K" if longest > 2048 else "2K" if longest > 1024 else None
    if quality == "ultra":
        image_size = "4K"
    elif quality == "hd" and image_size is None:
        image_size = "2K"
    return types.ImageConfig(aspect_ratio=ratio, image_size=image_size)


class GeminiImageProvider:
    """The illustration from an image-capable Gemini model, as bytes for the blob store."""

    name = "gemini"

    def __init__(self, settings: Settings, client: genai.Client | None = None) -> None:
        self._settings = settings
        self._caller = GeminiCaller(settings, client)

    def model_for(self, step: str = "image") -> str:
        """The image model."""
        return model_for(self._settings, "image")

    async def illustrate(
        self, request: PostcardRequest, concept: Concept, content: Content | None
    ) -> Picture:
        """Step 3: the illustration in the concept's visual style."""
        model = self.model_for()
        prompt = image_prompt(concept, concept.language or request_language(request), request)
        config = types.GenerateContentConfig(
            response_modalities=["IMAGE"],
            image_config=image_config(
                self._settings.gemini_image_size, self._settings.gemini_image_quality
            ),
            candidate_count=1,
        )
        parts = [types.Part(text=text) for text in prompt.parts]
        contents = [types.Content(role="user", parts=parts)]
        response = await self._caller.generate(model, contents, config)
        usage = usage_of(response, model)
        for candidate in response.candidates or []:
            for part in (candidate.content.parts if candidate.content else None) or []:
                blob = part.inline_data
                if blob and blob.data and (blob.mime_type or "").startswith("image/"):
                    data, content_type, (width, height) = _stored_form(blob.data)
                    return Picture(data, content_type, width, height, usage)
        reason = finish_reason(response) or "no candidates"
        raise output_invalid("gemini", f"no image in the reply (finishReason {reason})")


def _stored_form(data: bytes) -> tuple[bytes, str, tuple[int, int]]:
    """PNG and JPEG as they came; any other format (WebP, GIF, …) re-encoded as PNG, so the
    blob store, the page and the poster only ever meet the two formats every webview shows."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            size = image.size
            if image.format in ("PNG", "JPEG"):
                return data, f"image/{image.format.lower()}", size
            out = io.BytesIO()
            image.convert("RGBA" if "A" in image.getbands() else "RGB").save(out, "PNG")
            return out.getvalue(), "image/png", size
    except Exception as exc:  # Pillow raises several types for undecodable data
        raise output_invalid("gemini", f"the image does not decode: {exc}") from None
