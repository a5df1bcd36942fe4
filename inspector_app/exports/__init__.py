"""Ledger exports for people outside the program: spreadsheets now, project bundles later."""
