"""Pick each step's provider from settings: the chosen one, its fallbacks, and the cache."""

from __future__ import annotations

from typing import Any, Literal

import anthropic
from google import genai
from redis.asyncio import Redis

from core.settings import Settings
from providers.anthropic_code import ClaudeCodeProvider
from providers.base import CodeProvider, ImageProvider, TextProvider
from providers.cache import CachedProvider
from providers.fallback import FallbackProvider
from providers.gemini_image import GeminiImageProvider
from providers.gemini_text import GeminiTextProvider
from providers.health import ProviderHealth
from providers.local import LocalProvider
from providers.simulated import REALISTIC_DELAYS, SimulatedProvider, parse_delays

Role = Literal["text", "image", "code"]
_REAL: dict[Role, str] = {"text": "gemini", "image": "gemini", "code": "anthropic"}


def chain_names(settings: Settings, role: Role) -> list[str]:
    """The role's provider, then its `*_PROVIDER_FALLBACKS`, without repeats.

    A real provider falls back to `local` unless the setting names other fallbacks or `none`:
    a step that fails for good (validation, safety, a missing model) still gives a postcard."""
    extra = {
        "text": settings.text_provider_fallbacks,
        "image": settings.image_provider_fallbacks,
        "code": settings.code_provider_fallbacks,
    }[role]
    first = settings.provider_for(role)
    listed = (extra or "").strip()
    if not listed:  # unset or empty: the default
        listed = "local" if first in _REAL.values() else ""
    names = [first]
    for name in listed.split(","):
        name = name.strip().lower()
        if name and name != "none" and name not in names:
            names.append(name)
    return names


class ProviderFactory:
    """Builds the provider for each role once and hands it out."""

    def __init__(
        self,
        settings: Settings,
        *,
        redis: Redis | None = None,
        gemini_client: genai.Client | None = None,
        anthropic_client: anthropic.AsyncAnthropic | None = None,
    ) -> None:
        self._settings = settings
        self._redis = redis
        self._gemini_client = gemini_client
        self._anthropic_client = anthropic_client
        self._cache: dict[str, object] = {}
        self._roles: dict[Role, object] = {}
        self._health = ProviderHealth(redis, settings.stream_name)

    def _build(self, name: str) -> object:
        if name not in self._cache:
            if name == "local":
                self._cache[name] = LocalProvider()
            elif name in ("instant", "sleepy"):
                default = REALISTIC_DELAYS if name == "sleepy" else {}
                delays = parse_delays(self._settings.simulated_delays, default)
                self._cache[name] = SimulatedProvider(
                    name,
                    delays,
                    self._settings.simulated_call_log,
                    self._settings.simulated_jitter,
                )
            else:
                raise ValueError(f"unknown provider {name!r}")
        return self._cache[name]

    def _real(self, name: str, role: Role) -> Any:
        if _REAL[role] != name:
            raise ValueError(f"provider {name!r} cannot serve the {role} step")
        settings = self._settings
        if role == "text":
            provider: Any = GeminiTextProvider(settings, self._gemini_client)
            params = {
                "temperature": settings.gemini_text_temperature,
                "max_tokens": settings.gemini_text_max_tokens,
            }
        elif role == "image":
            return GeminiImageProvider(settings, self._gemini_client)
        else:
            provider = ClaudeCodeProvider(settings, self._anthropic_client)
            params = {
                "max_tokens": settings.anthropic_max_tokens,
                "max_bytes": settings.html_max_bytes,
            }
        if self._redis is not None and settings.provider_cache_enabled:
            return CachedProvider(provider, self._redis, settings.cache_ttl_s, params)
        return provider

    def _role(self, role: Role) -> object:
        if role not in self._roles:
            names = chain_names(self._settings, role)
            chain = [
                self._real(name, role) if name in ("gemini", "anthropic") else self._build(name)
                for name in names
            ]
            # Real providers always pass through the chain, so a rejected key is reported.
            real = names[0] in _REAL.values()
            self._roles[role] = (
                FallbackProvider(chain, self._health) if real or len(chain) > 1 else chain[0]
            )
        return self._roles[role]

    def text(self) -> TextProvider:
        """The concept and copy writer."""
        return self._role("text")  # type: ignore[return-value]

    def image(self) -> ImageProvider:
        """The illustrator."""
        return self._role("image")  # type: ignore[return-value]

    def code(self) -> CodeProvider:
        """The page writer."""
        return self._role("code")  # type: ignore[return-value]
