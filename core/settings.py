"""The one settings object: environment variables and `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import (
    Field,
    NonNegativeInt,
    PositiveFloat,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from core import config_checks as checks
from core.webhook_checks import check_secret, check_url

ProviderName = Literal["local", "gemini", "anthropic", "instant", "sleepy"]


class Settings(BaseSettings):
    """Every knob of Postcard Studio; `.env.example` documents each one."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        use_attribute_docstrings=True,
        # A refused value may be a secret (API_KEYS, REDIS_URL): errors name it, never echo it.
        hide_input_in_errors=True,
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
    stream_max_deliveries: int = Field(5, ge=1)
    """Deliveries after which an entry is dead-lettered."""
    stream_max_backlog: int = Field(10_000, ge=1)
    """Create answers 503 + Retry-After once this many entries wait."""
    orphan_after_s: float = 120.0
    """PENDING tasks older than this with no run are started by the starter's sweep."""
    settle_interval_s: float = Field(1.0, gt=0)
    """How often the starter lists runs closed outside their workflow (terminate, timeout)."""
    lost_check_interval_s: float = Field(30.0, gt=0)
    """How often the starter asks Temporal about open runs that nothing has written lately."""
    result_retention_days: float = Field(30.0, ge=0)
    """Days a postcard's files (images, pages, posters) are kept; 0 keeps everything."""
    retention_interval_h: float = Field(24.0, gt=0)
    """How often the retention schedule runs (hours; the Web UI lists it under Schedules)."""
    run_lost_after_s: float = Field(120.0, gt=0)
    """An open run unwritten this long that Temporal does not know is FAILED (type Lost)."""
    stream_max_len: int = 200_000
    """Approximate MAXLEN trim of the stream (must exceed STREAM_MAX_BACKLOG)."""

    api_keys: SecretStr | None = None
    """API keys as "key:user,key2:user2"; unset means local single-user mode."""
    share_secret: SecretStr | None = None
    """HMAC key of share links, 32+ characters (default: derived from API_KEYS)."""
    metrics_token: SecretStr | None = None
    """Bearer token GET /metrics asks for; with API_KEYS on and no token, /metrics is refused."""

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
    ai_workflow_timeout: int = Field(300, ge=1)
    """Whole-run bound of one postcard, in seconds."""
    ai_workflow_retry_count: int = Field(3, ge=1)
    """Attempts per step before it fails."""
    ai_heartbeat_timeout_s: float = Field(10, ge=1, le=60)
    """Seconds a running step may go silent before its worker counts as dead (30 for crowds)."""

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
    """Per-user creates and regenerates: N/second|minute|hour; empty turns it off."""
    max_body_bytes: int = Field(16_384, ge=1)
    """Larger request bodies get 413 unread."""
    allowed_origins: str = ""
    """Other sites' origins (https://host[:port], comma list) whose pages may POST/DELETE here."""
    max_revisions: int = Field(20, ge=1)
    """Revisions a postcard may have, its first run included; a regenerate past it is a 409."""
    events_max_streams: int = Field(512, ge=1)
    """Open event streams (SSE) one API process serves at once; past it 429 + Retry-After."""
    events_max_streams_per_user: int = Field(16, ge=1)
    """Open event streams one user holds at once; past it 429 + Retry-After."""

    # Webhooks (docs/webhooks.md)
    webhook_url: str | None = None
    """With API keys off: where every postcard's end is POSTed (unset: only a create's own)."""
    webhook_secret: SecretStr | None = None
    """With API keys off: the whsec_… secret that signs webhooks (Standard Webhooks)."""
    webhook_retry_hours: float = Field(24.0, gt=0)
    """How long a delivery is retried with exponential backoff before it is dead-lettered."""
    webhook_retry_initial_s: float = Field(5.0, gt=0)
    """Wait before a delivery's second attempt; each later wait doubles (at most an hour)."""
    webhook_timeout_s: float = Field(10.0, gt=0, le=60)
    """Seconds one delivery attempt may take (connect, send, answer)."""
    webhook_allow_private: bool = False
    """Allow webhook URLs on loopback/private addresses and http (local development, tests)."""

    # Providers
    text_provider: ProviderName | None = None
    """Concept/copy provider: local, gemini (default with GEMINI_API_KEY), instant, sleepy."""
    image_provider: ProviderName | None = None
    """Illustration provider: local, gemini (default with GEMINI_API_KEY), instant, sleepy."""
    code_provider: ProviderName | None = None
    """Page provider: local, anthropic (default when ANTHROPIC_API_KEY is set), instant, sleepy."""
    text_provider_fallbacks: str | None = None
    """Comma list tried after a non-retryable text failure (unset: local; none: no fallback)."""
    image_provider_fallbacks: str | None = None
    """Comma list tried after a non-retryable image failure (unset: local; none: no fallback)."""
    code_provider_fallbacks: str | None = None
    """Comma list tried after a non-retryable page failure (unset: local; none: no fallback)."""
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
    worker_max_concurrent_activities: int = 2000
    """Activities one worker runs at once (provider waits are cheap; see docs/performance.md)."""
    worker_max_concurrent_workflow_tasks: int | None = None
    """Workflow tasks one worker runs at once (unset: SDK default, 100)."""
    worker_max_cached_workflows: int = 1000
    """Sticky workflow cache size; 0 disables it."""
    worker_workflow_task_pollers: int | None = None
    """Workflow task pollers (unset: SDK default, 5)."""
    worker_activity_task_pollers: int | None = None
    """Activity task pollers (unset: SDK default, 5)."""
    worker_workflow_sandbox: bool = True
    """Run workflows in the SDK sandbox; false saves worker CPU but loses its determinism checks."""

    # Crowds, CPU-bound steps and provider quotas (issue 15; docs/performance.md, "Crowd")
    local_render_processes: NonNegativeInt | None = None
    """Processes rendering local-engine images and pages (unset: one a core; 0: in the worker)."""
    gemini_rpm: PositiveFloat | None = None
    """Gemini calls a minute across all workers (a queue-wide Temporal limit; unset: none)."""
    anthropic_rpm: PositiveFloat | None = None
    """Claude calls a minute across all workers (a queue-wide Temporal limit; unset: none)."""
    simulated_jitter: Annotated[float, Field(ge=0, lt=1)] = 0.0
    """Spread of each simulated wait, as a fraction: 0.3 draws from 70-130 % of the wait."""
    temporal_api_key: SecretStr | None = None
    """API key of a Temporal Cloud namespace (implies TLS); unset for a self-hosted cluster."""
    temporal_tls: bool = False
    """Connect to Temporal over TLS (on by itself with an API key or a client certificate)."""
    temporal_tls_cert: Path | None = None
    """Client certificate (PEM) for mTLS to Temporal Cloud or a cluster that requires it."""
    temporal_tls_key: Path | None = None
    """Private key (PEM) of TEMPORAL_TLS_CERT."""

    @model_validator(mode="after")
    def _temporal_tls_pair(self) -> Self:
        """A client certificate is used only with its key: one without the other stops here."""
        if (self.temporal_tls_cert is None) != (self.temporal_tls_key is None):
            raise ValueError("TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together")
        return self

    @field_validator("data_dir", mode="before")
    @classmethod
    def _data_dir(cls, value: object) -> object:
        return checks.check_data_dir(value)

    @field_validator(
        "api_keys",
        "share_secret",
        "metrics_token",
        "redis_password",
        "webhook_secret",
        mode="before",
    )
    @classmethod
    def _empty_secret_is_unset(cls, value: object) -> object:
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        return None if isinstance(text, str) and not text.strip() else value

    @field_validator("public_base_url", "temporal_ui_url")
    @classmethod
    def _http_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        name = (info.field_name or "URL").upper()
        return checks.check_http_url(name, value) if value and value.strip() else None

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _blank_webhook_url(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("create_rate_limit")
    @classmethod
    def _rate(cls, value: str) -> str:
        return checks.check_rate("CREATE_RATE_LIMIT", value)

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        checks.parse_origins(value)
        return value

    @model_validator(mode="after")
    def _fail_closed(self) -> Self:
        """Refuse values that would silently open the product or lose data."""
        if self.api_keys:
            checks.parse_api_keys(self.api_keys.get_secret_value())
        if self.share_secret:
            secret = self.share_secret.get_secret_value()
            checks.check_secret_length("SHARE_SECRET", secret, checks.MIN_SHARE_SECRET)
        if self.metrics_token:
            token = self.metrics_token.get_secret_value()
            checks.check_secret_length("METRICS_TOKEN", token, checks.MIN_METRICS_TOKEN)
        checks.check_redis_url(self.redis_url)
        if self.redis_password and checks.redis_url_password(self.redis_url):
            raise ValueError(
                "REDIS_PASSWORD is set and REDIS_URL carries a password too; "
                "set it in one place (the URL's would silently win)"
            )
        if self.database_url is not None:
            checks.check_database_url(self.database_url)
        self._check_webhooks()
        if self.stream_max_len <= self.stream_max_backlog:
            raise ValueError(
                "STREAM_MAX_LEN must exceed STREAM_MAX_BACKLOG, or the trim drops waiting creates"
            )
        return self

    def _check_webhooks(self) -> None:
        """WEBHOOK_URL is the keys-off endpoint: a valid URL with its valid secret, or unset."""
        if self.webhook_secret:
            check_secret("WEBHOOK_SECRET", self.webhook_secret.get_secret_value())
        if self.webhook_url is None:
            return
        try:
            check_url(self.webhook_url, self.webhook_allow_private)
        except ValueError as exc:
            raise ValueError(f"WEBHOOK_URL {exc}") from None
        if self.webhook_secret is None:
            raise ValueError("WEBHOOK_URL is set without WEBHOOK_SECRET (whsec_…) to sign with")
        if self.api_keys:
            raise ValueError(
                "WEBHOOK_URL is for API keys off; with API_KEYS each user sets an endpoint "
                "(PUT /api/v1/webhook-endpoint): unset WEBHOOK_URL"
            )

    @property
    def api_key_users(self) -> dict[str, str]:
        """API key → user id; empty in local single-user mode."""
        if not self.api_keys:
            return {}
        return checks.parse_api_keys(self.api_keys.get_secret_value())

    @property
    def trusted_origins(self) -> frozenset[str]:
        """Origins whose pages may change postcards: ALLOWED_ORIGINS and the public base URL's."""
        own = checks.origin_of(self.effective_public_base_url)
        return checks.parse_origins(self.allowed_origins) | {own}

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


def describe(error: ValidationError) -> str:
    """One line per refused variable, by its environment name, without its value."""
    lines = []
    for item in error.errors():
        name = ".".join(str(part).upper() for part in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        lines.append(
            f"  {message}" if not name or message.startswith(name) else f"  {name}: {message}"
        )
    return "invalid configuration:\n" + "\n".join(lines)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once; a refused value stops the process, named."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SystemExit(describe(exc)) from None
