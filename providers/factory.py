"""Pick each step's provider from settings."""

from __future__ import annotations

from core.settings import Settings
from providers.base import CodeProvider, ImageProvider, TextProvider
from providers.local import LocalProvider
from providers.simulated import REALISTIC_DELAYS, SimulatedProvider, parse_delays


class ProviderFactory:
    """Builds the provider for each role once and hands it out."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._cache: dict[str, object] = {}

    def _build(self, name: str) -> object:
        if name not in self._cache:
            if name == "local":
                self._cache[name] = LocalProvider()
            elif name in ("instant", "sleepy"):
                default = REALISTIC_DELAYS if name == "sleepy" else {}
                delays = parse_delays(self._settings.simulated_delays, default)
                self._cache[name] = SimulatedProvider(
                    name, delays, self._settings.simulated_call_log
                )
            else:
                raise ValueError(f"unknown provider {name!r}")
        return self._cache[name]

    def text(self) -> TextProvider:
        """The concept and copy writer."""
        return self._build(self._settings.provider_for("text"))  # type: ignore[return-value]

    def image(self) -> ImageProvider:
        """The illustrator."""
        return self._build(self._settings.provider_for("image"))  # type: ignore[return-value]

    def code(self) -> CodeProvider:
        """The page writer."""
        return self._build(self._settings.provider_for("code"))  # type: ignore[return-value]
