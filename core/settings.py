"""The one settings object: environment variables and `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ProviderName = Literal["local", "gemini", "anthropic", "instant", "sleepy"]


class Settings(BaseSettings):
    """Every knob of Postcard Studio; `.env.example` documents each one."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", use_attribute_docstrings=True
    )

    data_dir: Path = Path(".data")
    """Where SQLite, blobs, logs and the dev stack's Temporal/Redis data live."""
    log_level: str = "INFO"
    """DEBUG, INFO, WARNING or ERROR."""
    log_format: Literal["json", "console"] = "json"
    """json: one JSON object a line (with task_id, workflow_id, step); console: plain text."""

    # Redis ingest bridge
    redis_url: str = "redis://127.0.0.1:6379/0"
    """Redis for the ingest stream, rate limits and the step cache."""
    redis_password: SecretStr | None = None
    """Redis password, when the URL does not carry one."""
    stream_name: str = "postcard_tasks"
    """The stream creates are XADDed to."""
    dead_letter_stream: str = "postcard_tasks:dead"
    """Where entries that can never start go, with their reason."""
    consumer_group: str = "postcard_starters"
    """The starters' consumer group."""
    consumer_name: str | None = None
    """This starter's consumer name (default: host-pid)."""
    stream_read_count: int = 32
    """Entries per XREADGROUP."""
    stream_block_ms: int = 2000
    """How long one XREADGROUP blocks."""
    stream_claim_idle_ms: int = 30_000
    """Pending entries idle this long are reclaimed (XAUTOCLAIM) from a dead starter."""
    stream_claim_interval_s: float = 15.0
    """How often the starter reclaims and sweeps orphans."""
    stream_max_deliveries: int = 5
    """Deliveries after which an entry is dead-lettered."""
    stream_max_backlog: int = 10_000
    """Create answers 503 + Retry-After once this many entries wait."""
    orphan_after_s: float = 120.0
    """PENDING tasks older than this with no run are started by the starter's sweep."""
    stream_max_len: int = 200_000
    """Approximate MAXLEN trim of the stream (well above the backlog bound)."""

    api_keys: SecretStr | None = None
    """API keys as "key:user,key2:user2"; unset means local single-user mode."""
    share_secret: SecretStr | None = None
    """HMAC key of share links with API keys on (default: derived from API_KEYS)."""

    database_url: str | None = None
    """SQLAlchemy URL (postgresql://… or sqlite:///…); unset: SQLite under DATA_DIR."""

    # Temporal
    temporal_address: str = "127.0.0.1:7233"
    """Temporal frontend host:port."""
    temporal_namespace: str = "default"
    """Temporal namespace."""
    temporal_task_queue: str = "postcards"
    """Task queue of PostcardWorkflow and its activities."""
    temporal_ui_port: int = 8233
    """Port of the dev server's Web UI (scripts/dev.sh up)."""
    temporal_ui_url: str | None = None
    """Web UI base URL for links (default: http://127.0.0.1:TEMPORAL_UI_PORT)."""
    temporal_search_attributes: bool = True
    """Upsert PostcardStep/Occasion/Provider search attributes (they must be registered)."""

    # Workflow policy
    ai_workflow_timeout: int = 300
    """Whole-run bound of one postcard, in seconds."""
    ai_workflow_retry_count: int = 3
    """Attempts per step before it fails."""

    # Operations: metrics and health endpoints, 0 turns one off (docs/operations.md)
    metrics_host: str = "127.0.0.1"
    """Bind address of the metrics/health endpoints (0.0.0.0 in containers)."""
    starter_metrics_port: int = 9101
    """Starter /metrics and /healthz (0: off)."""
    worker_metrics_port: int = 9102
    """Temporal SDK metrics of the worker (0: off)."""
    worker_app_metrics_port: int = 9103
    """Worker step /metrics and /healthz (0: off)."""
    health_max_age_s: float = 60.0
    """A process is unhealthy when a dependency has been silent this long."""

    # API
    api_host: str = "127.0.0.1"
    """Address the API binds (scripts/dev.sh up)."""
    api_port: int = 8000
    """Port the API listens on."""
    public_base_url: str | None = None
    """Base URL in links and pages (default: http://127.0.0.1:API_PORT)."""
    create_rate_limit: str = "30/minute"
    """Per-user creates: N/second|minute|hour; empty turns it off."""
    max_body_bytes: int = 16_384
    """Larger request bodies get 413 unread."""

    # Providers
    text_provider: ProviderName | None = None
    """Concept/copy provider: local, gemini (default with GEMINI_API_KEY), instant, sleepy."""
    image_provider: ProviderName | None = None
    """Illustration provider: local, gemini (default with GEMINI_API_KEY), instant, sleepy."""
    code_provider: ProviderName | None = None
    """Page provider: local, anthropic (default when ANTHROPIC_API_KEY is set), instant, sleepy."""
    text_provider_fallbacks: str | None = None
    """Comma list tried after a non-retryable text failure, e.g. local."""
    image_provider_fallbacks: str | None = None
    """Comma list tried after a non-retryable image failure, e.g. local."""
    code_provider_fallbacks: str | None = None
    """Comma list tried after a non-retryable page failure, e.g. local."""
    provider_strategy: Literal["balanced", "quality_first", "speed_first", "cost_optimized"] = (
        "balanced"
    )
    """Model choice per step (docs/providers.md); explicit model settings override it."""

    gemini_api_key: SecretStr | None = None
    """Gemini API key; switches text and image to Gemini."""
    gemini_base_url: str | None = None
    """Gemini endpoint override (a proxy, or a local wire-compatible server)."""
    gemini_api_version: str = "v1beta"
    """Gemini API version path."""
    gemini_text_model: str | None = None
    """Text model for concept and content (default: from PROVIDER_STRATEGY)."""
    gemini_concept_model: str | None = None
    """Concept model, over GEMINI_TEXT_MODEL."""
    gemini_content_model: str | None = None
    """Content model, over GEMINI_TEXT_MODEL."""
    gemini_image_model: str | None = None
    """Image model (default: from PROVIDER_STRATEGY)."""
    gemini_text_max_tokens: int = 2048
    """Output token cap of text calls."""
    gemini_text_temperature: float = 0.7
    """Sampling temperature of text calls (Gemini 3 models: only when set explicitly)."""
    gemini_image_size: str = "1024x1024"
    """Illustration size, mapped to the nearest aspect ratio Gemini offers."""
    gemini_image_quality: Literal["standard", "hd", "ultra"] = "standard"
    """standard: the model's default resolution; hd: at least 2K; ultra: 4K."""
    gemini_timeout_s: float = 90.0
    """Per-call timeout of Gemini requests."""

    anthropic_api_key: SecretStr | None = None
    """Anthropic API key; switches the page step to Claude."""
    anthropic_base_url: str | None = None
    """Anthropic endpoint override (a proxy, or a local wire-compatible server)."""
    anthropic_model: str | None = None
    """Claude model for the page (default: from PROVIDER_STRATEGY)."""
    anthropic_max_tokens: int = 16000
    """Output token cap of page calls."""
    anthropic_timeout_s: float = 180.0
    """Per-call timeout of Claude requests."""
    html_max_bytes: int = 200_000
    """Size budget of a generated page."""
    html_repair_rounds: int = 2
    """Times Claude gets the validator's findings back before the step fails."""
    provider_cache_enabled: bool = True
    """Cache real providers' concept, content and page outputs in Redis."""
    cache_ttl_s: int = 7 * 24 * 3600
    """How long cached step outputs live."""

    # Simulated providers (`instant`, `sleepy`) for benchmarks and crash tests
    simulated_delays: str | None = None
    """Waits of the simulated providers per step, e.g. image=20,frontend=40."""
    simulated_call_log: Path | None = None
    """File the simulated providers append each call to (tests count calls across crashes)."""

    # Worker tuning (docs/performance.md has the measurements behind the defaults)
    worker_max_concurrent_activities: int = 100
    """Activities one worker runs at once."""
    worker_max_concurrent_workflow_tasks: int | None = None
    """Workflow tasks one worker runs at once (unset: SDK default, 100)."""
    worker_max_cached_workflows: int = 1000
    """Sticky workflow cache size; 0 disables it."""
    worker_workflow_task_pollers: int | None = None
    """Workflow task pollers (unset: SDK default, 5)."""
    worker_activity_task_pollers: int | None = None
    """Activity task pollers (unset: SDK default, 5)."""
    worker_workflow_sandbox: bool = True
    """Run workflows in the SDK sandbox; false saves ~25 ms CPU a postcard, loses its checks."""

    @property
    def api_key_users(self) -> dict[str, str]:
        """API key → user id; empty in local single-user mode."""
        if not self.api_keys:
            return {}
        users = {}
        for item in self.api_keys.get_secret_value().split(","):
            key, sep, user = item.partition(":")
            if sep and key.strip() and user.strip():
                users[key.strip()] = user.strip()
        return users

    @property
    def blob_dir(self) -> Path:
        """Where the local blob store keeps images and pages."""
        return self.data_dir / "blobs"

    @property
    def effective_database_url(self) -> str:
        """The configured database, or SQLite under the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'postcards.db').resolve()}"

    @property
    def effective_public_base_url(self) -> str:
        """Absolute base for links handed to clients and embedded in pages."""
        return (self.public_base_url or f"http://127.0.0.1:{self.api_port}").rstrip("/")

    @property
    def effective_temporal_ui_url(self) -> str:
        """Where the Temporal Web UI answers."""
        return (self.temporal_ui_url or f"http://127.0.0.1:{self.temporal_ui_port}").rstrip("/")

    def provider_for(self, step: Literal["text", "image", "code"]) -> str:
        """The provider a step uses: explicit choice, else the real one when its key is set."""
        explicit = {
            "text": self.text_provider,
            "image": self.image_provider,
            "code": self.code_provider,
        }[step]
        if explicit:
            return explicit
        if step in ("text", "image") and self.gemini_api_key:
            return "gemini"
        if step == "code" and self.anthropic_api_key:
            return "anthropic"
        return "local"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
