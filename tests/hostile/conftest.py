"""The hostile corpus (tests/data/hostile, made by scripts/make_hostile_corpus.py) and its manifest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile"
# Per open or render in these tests: generous for a loaded 2-core CI machine, short enough that a
# file that really hangs costs the run little (none in the corpus should reach it).
TEST_BUDGET_SECONDS = "30"


@dataclass(frozen=True)
class Case:
    name: str
    plan: str  # ok | refuse | any
    photo: str
    origin: str
    note: str

    @property
    def path(self) -> Path:
        return CORPUS / self.name


def corpus_cases() -> list[Case]:
    lines = (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")][1:]
    return [Case(*row) for row in rows]


@pytest.fixture(autouse=True)
def plan_budget(monkeypatch):
    monkeypatch.setenv("INSPECTOR_PLAN_SECONDS", TEST_BUDGET_SECONDS)
    monkeypatch.setenv("INSPECTOR_PLAN_MEMORY_MB", "1536")
