"""The hostile corpus and its manifests: tests/data/hostile (made by scripts/make_hostile_corpus.py) and
tests/data/hostile/public (copied from public test suites, each with its source and licence)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile"
PUBLIC = CORPUS / "public"
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
    folder: Path = CORPUS

    @property
    def path(self) -> Path:
        return self.folder / self.name


@dataclass(frozen=True)
class PublicSource:
    """Where a copied file came from: enough to fetch it again and to know it may be shared."""
    repository: str
    path: str
    commit: str
    licence: str


def _manifest_rows(folder: Path) -> list[list[str]]:
    lines = (folder / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")][1:]


def generated_cases() -> list[Case]:
    return [Case(*row) for row in _manifest_rows(CORPUS)]


def public_sources() -> dict[str, PublicSource]:
    return {row[0]: PublicSource(*row[3:7]) for row in _manifest_rows(PUBLIC)}


def public_cases() -> list[Case]:
    return [Case(name, plan, photo, f"{repository} {path}", note, PUBLIC)
            for name, plan, photo, repository, path, _commit, _licence, note in _manifest_rows(PUBLIC)]


def corpus_cases() -> list[Case]:
    """Every file of both corpora: the generated one first."""
    return generated_cases() + public_cases()


@pytest.fixture(autouse=True)
def plan_budget(monkeypatch):
    monkeypatch.setenv("INSPECTOR_PLAN_SECONDS", TEST_BUDGET_SECONDS)
    monkeypatch.setenv("INSPECTOR_PLAN_MEMORY_MB", "1536")
