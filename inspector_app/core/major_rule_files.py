"""Reading and validating major-hazard rule files (forms/major_hazards/*.yaml) with pydantic, into
core.form_types' MajorRule and RuleFile. core.forms_files calls this for each forms folder, after its
taxonomy and checklists: a rule with the id of one read before replaces it (an organisation's
provincial guide over the built-in one), a new id adds a rule. A malformed file is refused with its
path, the line and what is wrong, like every forms file; a file named as one read before replaces
that file whole; the cross-check names a rule whose category
or checklist item no forms file defines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from inspector_app.core import form_types as forms
from inspector_app.core.form_types import Catalogue
from inspector_app.core.forms_yaml import validate
from inspector_app.i18n import _

RULES_FOLDER = "major_hazards"
Problems = list[tuple[Path, int | None, str]]


class Text(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Text
    issuer: Text
    number: str = Field(min_length=1)
    date: dt.date
    part: Text


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$", max_length=60)
    reference: Text
    text: str = Field(min_length=1)
    gloss: str = Field(min_length=1)
    status: Text | None = None
    confirm_when: Literal["any", "all"] = "any"
    categories: list[str] = Field(default_factory=list)
    checklist_items: list[str] = Field(default_factory=list)
    questions: list[Text] = Field(min_length=1, max_length=12)


class RuleFileModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    edition: str = Field(min_length=1, max_length=40)
    source: Source
    copied_from: list[str] = Field(default_factory=list)
    status: Text
    missing: list[Text] = Field(default_factory=list)
    rules: list[Rule] = Field(min_length=1)


def rule_files_of(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / RULES_FOLDER).glob("*.yaml") if p.is_file())


def merge_rule_files(catalogue: Catalogue, folder: Path, problems: Problems) -> None:
    """Read every rule file of a forms folder into the catalogue (later ids replace earlier ones)."""
    for path in rule_files_of(folder):
        try:
            model = validate(RuleFileModel, path)
        except forms.FormsError as exc:
            problems.extend(exc.problems)
            continue
        seen: set[str] = set()
        for index, rule in enumerate(model.rules):
            if rule.id in seen:
                problems.append((path, _line_of(path, rule.id), _(
                    "rule id '{id}' is used twice (rules.{index})").format(id=rule.id, index=index)))
            seen.add(rule.id)
        if path.name in catalogue.rule_files:
            # A file of the same name as one read before (the built-in one) replaces it whole.
            catalogue.major_rules = {k: r for k, r in catalogue.major_rules.items() if r.file != path.name}
        catalogue.sources.append(path)
        catalogue.rule_files[path.name] = _rule_file(model, path)
        for rule in model.rules:
            catalogue.major_rules[rule.id] = _rule(rule, path.name)


def cross_check_rules(catalogue: Catalogue, folders: list[Path], problems: Problems) -> None:
    """Every category and checklist item a rule names must be defined by the forms."""
    items = {item.code for checklist in catalogue.checklists.values() for item in checklist.items}
    for rule in catalogue.major_rules.values():
        path = next((f / RULES_FOLDER / rule.file for f in reversed(folders)
                     if (f / RULES_FOLDER / rule.file).is_file()), Path(rule.file))
        line = _line_of(path, rule.id)
        for code in rule.categories:
            if code not in catalogue.categories:
                problems.append((path, line, _(
                    "rule '{rule}' names the category '{code}', which is not defined").format(rule=rule.id, code=code)))
        for code in rule.checklist_items:
            if code not in items:
                problems.append((path, line, _("rule '{rule}' names the checklist item '{code}', which no checklist "
                                               "has").format(rule=rule.id, code=code)))


def _line_of(path: Path, rule_id: str) -> int | None:
    """The line of a rule's id in its file (for problems found after validation)."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip().lstrip("- ").startswith("id:") and line.split("id:", 1)[1].strip().strip("'\"") == rule_id:
                return number
    except OSError:
        return None
    return None


def _text(text: Text) -> forms.Text:
    return forms.Text(zh=text.zh, en=text.en)


def _rule_file(model: RuleFileModel, path: Path) -> forms.RuleFile:
    source = model.source
    return forms.RuleFile(
        name=path.name, edition=model.edition, sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        title=_text(source.title), issuer=_text(source.issuer), number=source.number, date=source.date.isoformat(),
        part=_text(source.part), status=_text(model.status), missing=tuple(_text(m) for m in model.missing),
        copied_from=tuple(model.copied_from))


def _rule(rule: Rule, file_name: str) -> forms.MajorRule:
    return forms.MajorRule(
        id=rule.id, file=file_name, reference=_text(rule.reference), text=rule.text, gloss=rule.gloss,
        questions=tuple(_text(q) for q in rule.questions), confirm_when=rule.confirm_when,
        categories=tuple(rule.categories), checklist_items=tuple(rule.checklist_items),
        status=_text(rule.status) if rule.status else None)
