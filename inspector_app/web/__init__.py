"""The server's web side: one Starlette app (app.py) behind one HTTP guard (guard.py, http_protocol.py),
configured by server_config.py, with a room per audience:

    public/   the status page behind each notice's QR code: anyone, no credentials, read-only
    sync/     the sync API at /sync (and the laptop's client of it): an inspector's token

No Qt here. Where a new kind of page goes: docs/architecture.md."""
