"""The bureau's overview page (issue 25), served at /bureau/ to administrators who sign in with their
token, exchanged for a session cookie (routes.py; the figures are core.overview's)."""
