"""Printed documents: rectification notices, QR label sheets and the PDF ledger, with their QR codes
and the CJK font they are set in. No Qt here: everything renders with reportlab and Pillow, so the
CLI, the tests and a background thread of the desktop program can all make the same PDFs.
"""

from __future__ import annotations

from reportlab import rl_config

# Pure-Python ASCII85 encoding of image streams was most of the time of a notice with photos
# (ENVIRONMENT-NOTES.md); binary streams are also smaller. Set before any canvas is made.
rl_config.useA85 = 0
