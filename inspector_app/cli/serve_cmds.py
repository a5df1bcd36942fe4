"""`inspector-app serve`: run the public status server that the QR codes on notices point to."""

from __future__ import annotations

import argparse
import socket
import sys
from typing import Any

from inspector_app.cli.context import AppContext
from inspector_app.core.errors import InspectorError
from inspector_app.core.settings import save_settings
from inspector_app.i18n import _


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("serve", help=_("run the status server that QR codes open"))
    parser.add_argument("--host", default="127.0.0.1",
                        help=_("address to listen on (0.0.0.0: every network of this computer)"))
    parser.add_argument("--port", type=int, default=8470)
    parser.add_argument("--base-url", help=_("the public address printed in QR codes from now on"))
    parser.set_defaults(handler=run_serve)


def lan_address() -> str | None:
    """This computer's address on the local network, from its own name (no packet is sent)."""
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            address = str(info[4][0])
            if not address.startswith("127."):
                return address
    except OSError:
        return None
    return None


def run_serve(context: AppContext, args: argparse.Namespace) -> int:
    import uvicorn

    from inspector_app.web.app import create_app

    if not 0 < args.port < 65536:
        raise InspectorError(_("--port must be between 1 and 65535."))
    if args.base_url:
        context.settings.public_base_url = args.base_url.rstrip("/")
        save_settings(context.settings)
    app = create_app(context.db, context.catalogue)
    addresses = [f"http://{args.host}:{args.port}"]
    if args.host == "0.0.0.0":
        lan = lan_address()
        addresses = [f"http://{lan}:{args.port}"] if lan else addresses
    print(_("Status server on {addresses}; QR codes point to {base}").format(
        addresses=", ".join(addresses), base=context.settings.public_base_url), file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0
