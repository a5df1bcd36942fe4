"""`inspector-app serve`: run the status server that the QR codes on notices point to, and the sync
API at /sync when this build has it; on a laptop's SQLite ledger or a city's PostgreSQL."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.app.network import lan_address
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _, ngettext

APP_FACTORY = "inspector_app.web.server_config:create_server_app"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("serve", help=_("run the status server that QR codes open (and the sync API)"))
    parser.add_argument("--host", default="127.0.0.1",
                        help=_("address to listen on (0.0.0.0: every network of this computer)"))
    parser.add_argument("--port", type=int, default=8470)
    parser.add_argument("--workers", type=int, default=1, help=_("server processes (several share the load)"))
    parser.add_argument("--files", metavar="DIR",
                        help=_("folder of plans and photos (needed with a shared database; the same for every server)"))
    parser.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDR_OR_CIDR",
                        help=_("a reverse proxy whose X-Forwarded-For is believed (repeatable)"))
    parser.add_argument("--base-url", help=_("the public address of this server, only reported at start-up"))
    parser.add_argument("--header-timeout", type=float, metavar="SECONDS",
                        help=_("close a connection whose request headers take longer (at most 30; default 15)"))
    parser.add_argument("--keep-alive", type=float, metavar="SECONDS",
                        help=_("close a connection idle this long between requests (default 5)"))
    parser.add_argument("--max-connections", type=int, metavar="N",
                        help=_("open connections each server process accepts (default 1000)"))
    parser.add_argument("--max-connections-per-client", type=int, metavar="N",
                        help=_("open connections from one address (default 64; trusted proxies have no limit)"))
    parser.set_defaults(handler=run_serve)


def run_serve(context: AppContext, args: argparse.Namespace) -> int:
    import uvicorn

    from inspector_app.core.db import open_database
    from inspector_app.web.server_config import ServerConfig, build_config

    if not 0 < args.port < 65536:
        raise InspectorError(_("--port must be between 1 and 65535."))
    if not 0 < args.workers <= 64:
        raise InspectorError(_("--workers must be between 1 and 64."))
    inherited = ServerConfig.env_values()
    values: dict[str, Any] = {}
    # The ledger and forms named on the command line win; without them, INSPECTOR_* (a unit file's
    # Environment=) before the program's default ledger.
    if context.database_url or context.db_path or "database_url" not in inherited:
        values["database_url"] = context.url
    if context.forms_dirs or "forms_dirs" not in inherited:
        values["forms_dirs"] = [str(d) for d in context.forms_dirs]
    if args.files:
        values["files_dir"] = os.path.abspath(args.files)
    if args.trusted_proxy:
        values["trusted_proxies"] = args.trusted_proxy
    if args.base_url:
        values["base_url"] = args.base_url.rstrip("/")
    for option in ("header_timeout", "max_connections", "max_connections_per_client"):
        if getattr(args, option) is not None:
            values[option] = getattr(args, option)
    if args.keep_alive is not None:
        values["keep_alive_timeout"] = args.keep_alive
    # Limits and the rest may come from INSPECTOR_* (e.g. a systemd unit); options win.
    config = build_config(**{**inherited, **values})
    # Migrate the schema once here, not in every worker at the same time.
    open_database(config.database_url, store_dir=Path(config.files_dir) if config.files_dir else None,
                  may_create=context.may_create).dispose()
    os.environ.update(config.to_env())
    addresses = [f"http://{args.host}:{args.port}"]
    if args.host == "0.0.0.0":
        lan = lan_address()
        addresses = [f"http://{lan}:{args.port}"] if lan else addresses
    print(ngettext("Server on {addresses} ({workers} process); public address: {base}",
                   "Server on {addresses} ({workers} processes); public address: {base}", args.workers).format(
        addresses=", ".join(addresses), workers=args.workers, base=config.base_url or addresses[0]), file=sys.stderr)
    uvicorn.run(APP_FACTORY, factory=True, host=args.host, port=args.port, workers=args.workers,
                **config.server_options())
    return 0

