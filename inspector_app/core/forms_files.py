"""Reading and validating the forms' YAML files (with pydantic), into core.form_types' plain types.

Forms live in YAML under forms/ (and in an organisation's own folder, which adds to or overrides the
built-in entries by code). A malformed file is refused with its path, the line and what is wrong.
Only core.forms.load_catalogue comes here, and only when its cache does not answer: pydantic's models
take a tenth of a second to define, which the program's start should not pay every time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from inspector_app.core import form_types as forms
from inspector_app.core.form_types import Catalogue, FormsError
from inspector_app.core.forms_yaml import load_yaml, validate
from inspector_app.core.major_rule_files import cross_check_rules, merge_rule_files, rule_files_of
from inspector_app.i18n import _


class Text(BaseModel):
    """A text in both languages of the program."""

    model_config = ConfigDict(extra="forbid")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class AreaType(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    icon: Literal["bolt", "flame", "exit", "extinguisher", "box", "gas", "flask", "clipboard"]


class Category(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z0-9_]+$")
    group: str
    name: Text
    default_severity: Literal["general", "major"]
    deadline_days: int = Field(ge=0, le=365)
    fixable_on_spot: bool
    legal_basis: Text
    requirement: Text
    phrases: list[Text] = Field(default_factory=list)


class TaxonomyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    area_types: list[AreaType] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list)


class ChecklistItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[A-Za-z0-9_]+$")
    text: Text
    category: str


class Checklist(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    area_type: str
    name: Text
    items: list[ChecklistItem] = Field(min_length=1)


def check_supervision_file(path: Path) -> list[tuple[Path, int | None, str]]:
    """forms/supervision.yaml as the program reads it (flat, core.supervision_rules), and the same
    values when read as YAML: a file the two read differently would not mean what it says."""
    from inspector_app.core.supervision_rules import RulesFileError, read_flat, rules_from_text

    try:
        text = path.read_text(encoding="utf-8")
        rules_from_text(text)
    except RulesFileError as exc:
        return [(path, line, message) for line, message in exc.problems]
    except (OSError, UnicodeDecodeError) as exc:
        return [(path, None, _("cannot read the file: {problem}").format(problem=exc))]
    data, _node = load_yaml(path)
    flat, _lines = read_flat(text)
    if data != flat:
        return [(path, None, _("YAML reads this file differently from the program; keep it to one "
                               "'name: value' a line"))]
    return []


def _merge_folder(catalogue: Catalogue, folder: Path, problems: list[tuple[Path, int | None, str]]) -> None:
    supervision_path = folder / "supervision.yaml"
    if supervision_path.is_file():
        found = check_supervision_file(supervision_path)
        problems.extend(found)
        if not found:
            catalogue.sources.append(supervision_path)
    taxonomy_path = folder / "taxonomy.yaml"
    if taxonomy_path.exists():
        try:
            taxonomy = validate(TaxonomyFile, taxonomy_path)
        except FormsError as exc:
            problems.extend(exc.problems)
        else:
            catalogue.sources.append(taxonomy_path)
            catalogue.area_types.update((a.code, forms.AreaType(a.code, _text(a.name))) for a in taxonomy.area_types)
            catalogue.groups.update((g.code, forms.Group(g.code, _text(g.name), g.icon)) for g in taxonomy.groups)
            seen: set[str] = set()
            for category in taxonomy.categories:
                if category.code in seen:
                    problems.append((taxonomy_path, None, _("category code '{code}' is used twice").format(
                        code=category.code)))
                seen.add(category.code)
                catalogue.categories[category.code] = _category(category)
    for checklist_path in sorted((folder / "checklists").glob("*.yaml")):
        try:
            checklist = validate(Checklist, checklist_path)
        except FormsError as exc:
            problems.extend(exc.problems)
            continue
        catalogue.sources.append(checklist_path)
        catalogue.checklists[checklist.area_type] = _checklist(checklist)
    merge_rule_files(catalogue, folder, problems)


def _cross_check(catalogue: Catalogue, problems: list[tuple[Path, int | None, str]]) -> None:
    for category in catalogue.categories.values():
        if category.group not in catalogue.groups:
            problems.append((Path("taxonomy.yaml"), None, _(
                "category '{code}' names the group '{group}', which is not defined").format(
                code=category.code, group=category.group)))
    for checklist in catalogue.checklists.values():
        if checklist.area_type not in catalogue.area_types:
            problems.append((Path(f"checklists/{checklist.area_type}.yaml"), None, _(
                "the area type '{area}' is not defined in taxonomy.yaml").format(area=checklist.area_type)))
        for item in checklist.items:
            if item.category not in catalogue.categories:
                problems.append((Path(f"checklists/{checklist.area_type}.yaml"), None, _(
                    "item '{item}' creates the category '{code}', which is not defined").format(
                    item=item.code, code=item.category)))


def files_of_folder(folder: Path) -> tuple[list[Path], list[Path]]:
    """The files of a forms folder that are read (taxonomy.yaml, checklists/*.yaml, major_hazards/*.yaml)
    and the YAML files in it, or in a folder of it, that are not (a taxonomy.yml, a checklist beside the
    taxonomy...)."""
    read = [folder / "taxonomy.yaml"] if (folder / "taxonomy.yaml").is_file() else []
    read += sorted(p for p in (folder / "checklists").glob("*.yaml") if p.is_file())
    read += rule_files_of(folder)
    found = [*folder.glob("*"), *folder.glob("*/*")]  # two levels: a forms folder is never deeper
    unread = sorted(p for p in found if p.suffix.lower() in (".yaml", ".yml") and p.is_file() and p not in read)
    return read, unread


def read_folders(folders: list[Path]) -> Catalogue:
    """Every folder's forms in order (later entries win), validated and cross-checked; FormsError
    listing every problem found."""
    catalogue = Catalogue()
    problems: list[tuple[Path, int | None, str]] = []
    for folder in folders:
        if not folder.is_dir():
            problems.append((folder, None, _("no such forms folder")))
            continue
        _merge_folder(catalogue, folder, problems)
    if not problems:
        _cross_check(catalogue, problems)
        cross_check_rules(catalogue, folders, problems)
    if problems:
        raise FormsError(problems)
    return catalogue


def _text(text: Text) -> forms.Text:
    return forms.Text(zh=text.zh, en=text.en)


def _category(category: Category) -> forms.Category:
    return forms.Category(
        code=category.code, group=category.group, name=_text(category.name),
        default_severity=category.default_severity, deadline_days=category.deadline_days,
        fixable_on_spot=category.fixable_on_spot, legal_basis=_text(category.legal_basis),
        requirement=_text(category.requirement), phrases=tuple(_text(p) for p in category.phrases))


def _checklist(checklist: Checklist) -> forms.Checklist:
    return forms.Checklist(
        area_type=checklist.area_type, name=_text(checklist.name),
        items=tuple(forms.ChecklistItem(code=i.code, text=_text(i.text), category=i.category) for i in checklist.items))
