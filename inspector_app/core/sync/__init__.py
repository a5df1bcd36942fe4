"""The shared ledger's replication: clocks, change tracking, what a push and a pull carry, how a laptop
merges what it pulls and how the server checks what it is pushed. No HTTP here, no Qt.

The design is written down in docs/sync.md.
"""
