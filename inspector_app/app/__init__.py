"""The application layer that the command line (cli/) and the desktop program (ui/) both stand on:
the context (settings, the ledger opened and locked on demand, the forms catalogue, who is acting)
and small services around it such as this computer's network address. No Qt, no argument parsing,
no printing of results: those belong to ui/ and cli/ (docs/architecture.md)."""
