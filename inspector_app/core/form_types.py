"""The forms as the program uses them: the hazard taxonomy (area types, groups, categories) and the
per-area checklists, as plain frozen types. Reading them from YAML is core.forms_files' job; loading
the catalogue, with its cache, is core.forms'."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _, current_language

ICONS = ("bolt", "flame", "exit", "extinguisher", "box", "gas", "flask", "clipboard")


@dataclass(frozen=True)
class Text:
    """A text in both languages of the program."""

    zh: str
    en: str

    def get(self, language: str | None = None) -> str:
        language = language or current_language()
        return self.zh if language.startswith("zh") else self.en

    def as_printed(self, value: str, language: str) -> str:
        """``value`` as a document in ``language`` prints it: one of these texts, word for word (in
        either language), becomes the text of that language; anything else (the inspector's own
        words) is printed as written."""
        return self.get(language) if value and value in (self.zh, self.en) else value


@dataclass(frozen=True)
class AreaType:
    code: str
    name: Text


@dataclass(frozen=True)
class Group:
    code: str
    name: Text
    icon: str  # one of ICONS


@dataclass(frozen=True)
class Category:
    code: str
    group: str
    name: Text
    default_severity: str  # "general" or "major"
    deadline_days: int
    fixable_on_spot: bool
    legal_basis: Text
    requirement: Text
    phrases: tuple[Text, ...] = ()


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    text: Text
    category: str


@dataclass(frozen=True)
class Checklist:
    area_type: str
    name: Text
    items: tuple[ChecklistItem, ...]


class FormsError(InspectorError):
    """A forms file that cannot be used; ``problems`` lists each as (path, line, message)."""

    def __init__(self, problems: list[tuple[Path, int | None, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(format_problem(*p) for p in problems))


def format_problem(path: Path, line: int | None, message: str) -> str:
    where = f"{path}:{line}" if line else str(path)
    return f"{where}: {message}"


@dataclass
class Catalogue:
    """Every area type, group, category and checklist known to the program, by code."""

    area_types: dict[str, AreaType] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    checklists: dict[str, Checklist] = field(default_factory=dict)
    sources: list[Path] = field(default_factory=list)

    def category(self, code: str) -> Category:
        try:
            return self.categories[code]
        except KeyError:
            raise InspectorError(
                _("Unknown hazard category '{code}'. `inspector-app forms categories` lists them.").format(
                    code=code
                )
            ) from None

    def categories_for_area(self, area_type: str) -> list[str]:
        """The categories that the area type's checklist looks for, in its order: what a hazard found in
        such a place most likely is (none for an area type without a checklist)."""
        checklist = self.checklists.get(area_type)
        if checklist is None:
            return []
        return list(dict.fromkeys(item.category for item in checklist.items if item.category in self.categories))

    def icon_for(self, category_code: str) -> str:
        category = self.categories.get(category_code)
        group = self.groups.get(category.group) if category else None
        return group.icon if group else "clipboard"
