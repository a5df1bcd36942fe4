"""Fire-Risk Inspector: pin fire hazards on floor plans, issue notices, keep the hazard ledger."""

__version__ = "0.1.0"
