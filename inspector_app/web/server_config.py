"""The central server's typed configuration and the app factory that uvicorn's workers call.

`inspector-app serve` turns its options into a ``ServerConfig``, writes it to ``INSPECTOR_*``
environment variables and starts uvicorn on ``create_server_app``; every worker process (or any
other instance started with the same variables) rebuilds the same configuration from its
environment, so no worker holds a setting another lacks.
"""

from __future__ import annotations

import importlib
import importlib.util
import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy.engine import make_url
from starlette.types import ASGIApp

from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _
from inspector_app.web.guard import (
    DEFAULT_BODY_GRACE_SECONDS,
    DEFAULT_MAX_CLIENTS,
    DEFAULT_MIN_BODY_RATE,
    DEFAULT_SYNC_BODY_BYTES,
    IPNetwork,
)
from inspector_app.web.http_protocol import (
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_KEEP_ALIVE,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
    ConnectionLimits,
    hardened_protocol,
)
from inspector_app.web.public.versions import FRESH_SECONDS

if TYPE_CHECKING:
    from inspector_app.core.db import Database

ENV_PREFIX = "INSPECTOR_"
SYNC_API_MODULE = "inspector_app.web.sync.api"
# How serve runs uvicorn. proxy_headers off: uvicorn would otherwise believe X-Forwarded-For from
# 127.0.0.1 (any local process); the Guard decides whom to believe, from trusted_proxies. The HTTP
# protocol is uvicorn's h11 one, hardened (web/http_protocol.py); server_options() sets its limits.
UVICORN_OPTIONS: dict[str, Any] = {"proxy_headers": False, "server_header": False, "log_level": "warning",
                                   "access_log": False, "http": hardened_protocol(ConnectionLimits()),
                                   "timeout_keep_alive": DEFAULT_KEEP_ALIVE}


class ServerConfig(BaseModel):
    """Everything a server process needs besides its listening address."""

    database_url: str
    files_dir: str = ""  # plans and photos; empty: beside a SQLite ledger
    forms_dirs: list[str] = Field(default_factory=list)
    trusted_proxies: list[str] = Field(default_factory=list)  # addresses or CIDR networks
    rate_per_second: float = Field(default=20.0, gt=0)
    burst: int = Field(default=40, ge=1)
    sync_rate_per_second: float = Field(default=200.0, gt=0)
    sync_burst: int = Field(default=400, ge=1)
    max_sync_body_bytes: int = Field(default=DEFAULT_SYNC_BODY_BYTES, ge=0)
    base_url: str = ""  # only reported at start-up; the printed address is an organisation setting
    # Against slow or many connections (the server may face the internet with no proxy in front).
    header_timeout: float = Field(default=DEFAULT_HEADER_TIMEOUT, gt=0, le=30)  # seconds for a request's headers
    keep_alive_timeout: float = Field(default=DEFAULT_KEEP_ALIVE, gt=0, le=300)  # idle seconds between requests
    max_connections: int = Field(default=DEFAULT_MAX_CONNECTIONS, ge=1)  # per server process
    # from one address; a trusted proxy has no such limit
    max_connections_per_client: int = Field(default=DEFAULT_MAX_CONNECTIONS_PER_CLIENT, ge=1)
    rate_limit_clients: int = Field(default=DEFAULT_MAX_CLIENTS, ge=1)  # addresses the rate limit remembers
    # A request body's deadline: this many seconds, plus one per min_body_rate bytes received.
    body_grace_seconds: float = Field(default=DEFAULT_BODY_GRACE_SECONDS, gt=0, le=300)
    min_body_rate: float = Field(default=DEFAULT_MIN_BODY_RATE, gt=0)  # bytes per second
    # How long a status page may go on showing what the database said (web/public/versions.py).
    status_fresh_seconds: float = Field(default=FRESH_SECONDS, ge=0, le=60)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, values: list[str]) -> list[str]:
        normalised = []
        for value in values:
            try:
                normalised.append(str(ipaddress.ip_network(value.strip(), strict=False)))
            except ValueError as exc:
                raise ValueError(_("'{value}' is not an address or network (e.g. 10.0.0.5 or 10.0.0.0/24)")
                                 .format(value=value)) from exc
        return normalised

    @property
    def proxy_networks(self) -> tuple[IPNetwork, ...]:
        return tuple(ipaddress.ip_network(value) for value in self.trusted_proxies)

    @property
    def connection_limits(self) -> ConnectionLimits:
        return ConnectionLimits(header_timeout=self.header_timeout, max_connections=self.max_connections,
                                max_connections_per_client=self.max_connections_per_client,
                                trusted_proxies=self.proxy_networks)

    def server_options(self) -> dict[str, Any]:
        """uvicorn's options for this configuration (limits and timeouts included)."""
        return {**UVICORN_OPTIONS, "http": hardened_protocol(self.connection_limits),
                "timeout_keep_alive": self.keep_alive_timeout}

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.database_url).get_backend_name() == "sqlite"

    def to_env(self) -> dict[str, str]:
        """The configuration as ``INSPECTOR_*`` variables (lists joined with commas)."""
        env = {}
        for name, value in self.model_dump().items():
            env[ENV_PREFIX + name.upper()] = ",".join(value) if isinstance(value, list) else str(value)
        return env

    @classmethod
    def env_values(cls, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The settings present in ``INSPECTOR_*`` variables, unchecked (lists split at commas)."""
        environ = os.environ if environ is None else environ
        data: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            raw = environ.get(ENV_PREFIX + name.upper())
            if raw is None:
                continue
            if field.annotation == list[str]:
                data[name] = [part.strip() for part in raw.split(",") if part.strip()]
            else:
                data[name] = raw
        return data

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerConfig:
        return build_config(**cls.env_values(environ))


def build_config(**values: Any) -> ServerConfig:
    """A checked configuration, or an InspectorError naming the first bad value."""
    try:
        config = ServerConfig(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"][:1])
        message = str(error.get("ctx", {}).get("error") or error["msg"])
        raise InspectorError(_("Bad server setting {name}: {problem}").format(
            name=ENV_PREFIX + field.upper(), problem=message)) from exc
    if not config.is_sqlite and not config.files_dir:
        raise InspectorError(_("A server on a shared database needs --files DIR for plans and photos "
                               "(the same folder for every instance)."))
    return config


def find_sync_app(db: Database, module: str = SYNC_API_MODULE) -> ASGIApp | None:
    """The sync API over ``db`` if this build has its module (it is written apart), else None."""
    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing
        found = False
    if not found:
        return None
    app: ASGIApp = importlib.import_module(module).create_sync_app(db)
    return app


def create_server_app(config: ServerConfig | None = None) -> ASGIApp:
    """The whole server: status pages, and the sync API at /sync when this build has it.

    Called without arguments by uvicorn (``--factory``) in each worker: reads ``INSPECTOR_*``.
    The schema is not migrated here (``serve`` does it once before starting the workers).
    """
    from inspector_app.core.db import open_database
    from inspector_app.core.forms import load_catalogue
    from inspector_app.web.app import create_app

    config = config or ServerConfig.from_env()
    db = open_database(config.database_url, store_dir=Path(config.files_dir) if config.files_dir else None,
                       migrate=False)
    from inspector_app.web.digest.scheduler import with_digests

    return with_digests(create_app(db, load_catalogue([Path(d) for d in config.forms_dirs]),
                      rate_per_second=config.rate_per_second, burst=config.burst, sync_app=find_sync_app(db),
                      sync_rate_per_second=config.sync_rate_per_second, sync_burst=config.sync_burst,
                      max_sync_body_bytes=config.max_sync_body_bytes, trusted_proxies=config.proxy_networks,
                      rate_limit_clients=config.rate_limit_clients, body_grace_seconds=config.body_grace_seconds,
                      min_body_rate=config.min_body_rate, status_fresh_seconds=config.status_fresh_seconds), db)
