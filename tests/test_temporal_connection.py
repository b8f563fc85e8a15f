"""Connecting to a Temporal cluster or Temporal Cloud: TLS, an API key or a client certificate."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from temporalio.service import TLSConfig

from core.settings import Settings
from core.wiring import temporal_client, temporal_tls


def _settings(**extra: object) -> Settings:
    return Settings(_env_file=None, **extra)  # type: ignore[arg-type]


def test_a_local_or_self_hosted_server_is_plain_grpc_by_default() -> None:
    assert temporal_tls(_settings()) is False
    assert temporal_tls(_settings(temporal_tls=True)) is True


def test_a_cloud_api_key_implies_tls() -> None:
    assert temporal_tls(_settings(temporal_api_key="key-from-cloud")) is True


def test_a_client_certificate_and_key_make_mtls(tmp_path: Path) -> None:
    cert, key = tmp_path / "client.pem", tmp_path / "client.key"
    cert.write_bytes(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    key.write_bytes(b"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n")

    tls = temporal_tls(_settings(temporal_tls_cert=cert, temporal_tls_key=key))

    assert isinstance(tls, TLSConfig)
    assert tls.client_cert == cert.read_bytes() and tls.client_private_key == key.read_bytes()


def test_a_certificate_without_its_key_stops_at_start() -> None:
    with pytest.raises(ValidationError, match="TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY"):
        _settings(temporal_tls_cert="/etc/temporal/client.pem")


async def test_the_default_connection_still_reaches_the_dev_server(temporal_address: str) -> None:
    client = await temporal_client(_settings(temporal_address=temporal_address))

    assert await client.service_client.check_health()
