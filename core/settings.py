"""The one settings object: environment variables and `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ProviderName = Literal["local", "gemini", "anthropic", "instant", "sleepy"]


class Settings(BaseSettings):
    """Every knob of Postcard Studio; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    data_dir: Path = Path(".data")
    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"

    # Redis ingest bridge
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_password: SecretStr | None = None
    stream_name: str = "postcard_tasks"
    dead_letter_stream: str = "postcard_tasks:dead"
    consumer_group: str = "postcard_starters"
    consumer_name: str | None = None
    stream_read_count: int = 32
    stream_block_ms: int = 2000
    stream_claim_idle_ms: int = 30_000
    stream_claim_interval_s: float = 15.0
    stream_max_deliveries: int = 5
    stream_max_backlog: int = 10_000
    orphan_after_s: float = 120.0
    stream_max_len: int = 200_000

    # API keys: "key:user,key2:user2"; empty means local single-user mode
    api_keys: SecretStr | None = None

    # Database (SQLite under the data dir when unset)
    database_url: str | None = None

    # Temporal
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "postcards"
    temporal_ui_port: int = 8233
    temporal_ui_url: str | None = None
    temporal_search_attributes: bool = Field(
        True, description="Upsert PostcardStep/Occasion/Provider (must be registered)"
    )

    # Workflow policy
    ai_workflow_timeout: int = Field(300, description="Whole-run bound in seconds")
    ai_workflow_retry_count: int = Field(3, description="Attempts per step")

    # Operations: metrics and health endpoints, 0 turns one off (docs/operations.md)
    metrics_host: str = Field("127.0.0.1", description="0.0.0.0 in containers")
    starter_metrics_port: int = Field(9101, description="starter /metrics and /healthz")
    worker_metrics_port: int = Field(9102, description="Temporal SDK metrics of the worker")
    worker_app_metrics_port: int = Field(9103, description="worker step /metrics and /healthz")
    health_max_age_s: float = Field(60.0, description="unhealthy when a dependency is silent")

    # API
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    public_base_url: str | None = None
    max_prompt_chars: int = 2000
    create_rate_limit: str = Field(
        "30/minute", description="per-user creates: N/second|minute|hour; empty turns it off"
    )
    max_body_bytes: int = Field(16_384, description="larger request bodies get 413 unread")

    # Providers
    text_provider: ProviderName | None = None
    image_provider: ProviderName | None = None
    code_provider: ProviderName | None = None

    gemini_api_key: SecretStr | None = None
    gemini_base_url: str | None = None
    gemini_text_model: str = "gemini-2.5-flash"
    gemini_image_model: str = "gemini-2.5-flash-image"
    gemini_text_max_tokens: int = 2048
    gemini_text_temperature: float = 0.7
    gemini_image_size: str = "1024x1024"
    gemini_image_quality: str = "standard"

    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    anthropic_model: str = "claude-sonnet-4-5"
    anthropic_max_tokens: int = 16000

    # Real providers: fallbacks, strategy, per-step models, timeouts, cache (docs/providers.md)
    text_provider_fallbacks: str | None = Field(None, description="comma list, e.g. local")
    image_provider_fallbacks: str | None = Field(None, description="comma list, e.g. local")
    code_provider_fallbacks: str | None = Field(None, description="comma list, e.g. local")
    provider_strategy: Literal["balanced", "quality_first", "speed_first", "cost_optimized"] = (
        "balanced"
    )
    gemini_api_version: str = "v1beta"
    gemini_concept_model: str | None = None
    gemini_content_model: str | None = None
    gemini_timeout_s: float = 90.0
    anthropic_timeout_s: float = 180.0
    html_max_bytes: int = 200_000
    html_repair_rounds: int = 2
    provider_cache_enabled: bool = True
    cache_ttl_s: int = 7 * 24 * 3600

    # Simulated providers (`instant`, `sleepy`) for benchmarks and crash tests
    simulated_delays: str | None = Field(None, description="e.g. image=20,frontend=40")
    simulated_call_log: Path | None = None

    # Worker tuning (docs/performance.md has the measurements behind the defaults)
    worker_max_concurrent_activities: int = 100
    worker_max_concurrent_workflow_tasks: int | None = Field(None, description="SDK default: 100")
    worker_max_cached_workflows: int = Field(1000, description="sticky cache size; 0 disables")
    worker_workflow_task_pollers: int | None = Field(None, description="SDK default: 5")
    worker_activity_task_pollers: int | None = Field(None, description="SDK default: 5")

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
