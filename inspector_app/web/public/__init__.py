"""Pages for anyone, without credentials: the status page a QR code on a posted notice opens and its
JSON twin. Read-only; a code that names nothing, or a withdrawn hazard, answers the same 404."""
