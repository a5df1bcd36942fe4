"""The public status server: the page a QR code on a posted notice opens, and its JSON twin."""
