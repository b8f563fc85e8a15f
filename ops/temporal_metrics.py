"""The Temporal SDK's own Prometheus endpoint (workflow, activity, poller and slot metrics)."""

from __future__ import annotations

import logging

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

log = logging.getLogger("postcards.metrics")


def export_sdk_metrics(host: str, port: int) -> bool:
    """Make every client created after this export SDK metrics at host:port; False if off/taken."""
    if not port:
        return False
    config = PrometheusConfig(
        bind_address=f"{host}:{port}", counters_total_suffix=True, durations_as_seconds=True
    )
    try:
        runtime = Runtime(telemetry=TelemetryConfig(metrics=config))
    except ValueError as exc:
        log.warning("Temporal SDK metrics not exported", extra={"port": port, "error": str(exc)})
        return False
    Runtime.set_default(runtime, error_if_already_set=False)
    log.info("Temporal SDK metrics listening", extra={"host": host, "port": port})
    return True
