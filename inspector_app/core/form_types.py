"""The forms as the program uses them: the hazard taxonomy (area types, groups, categories), the
per-area checklists and the major-hazard rules, as plain frozen types. Reading them from YAML is
core.forms_files' job; loading the catalogue, with its cache, is core.forms'."""

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


@dataclass(frozen=True)
class RuleFile:
    """A file of major-hazard rules: where its rules come from, how complete they are, and what is
    recorded with every decision made under it (its name, edition and content hash)."""

    name: str  # the file's name, e.g. "education_2024.yaml"
    edition: str  # the file's own version, raised whenever a rule in it changes
    sha256: str  # of the file's bytes: which text exactly a decision was made under
    title: Text  # the source document's title
    issuer: Text
    number: str  # the document's number, e.g. 教发厅函〔2024〕20号
    date: str  # ISO date of the document
    part: Text  # the part of the document the rules come from
    status: Text  # how complete and how checked the texts are
    missing: tuple[Text, ...] = ()
    copied_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class MajorRule:
    """One condition under which a hazard is a major hazard: its verbatim text (in the source's
    language) with a short English gloss, what may point at it, and the yes/no questions that confirm it."""

    id: str
    file: str  # the RuleFile's name
    reference: Text  # the article and item, e.g. 第三条（一）第6项
    text: str  # verbatim, as the source has it
    gloss: str  # a short English gloss: never printed as the law
    questions: tuple[Text, ...]
    confirm_when: str = "any"  # "any": one yes supports confirming; "all": every answer must be yes
    categories: tuple[str, ...] = ()
    checklist_items: tuple[str, ...] = ()
    status: Text | None = None  # the rule's own status, where it differs from its file's

    def shown_text(self, language: str | None = None) -> str:
        """The rule's words for a reader of ``language``: the verbatim text, or for English the gloss."""
        language = language or current_language()
        return self.text if language.startswith("zh") else self.gloss

    def supported_by(self, answers: tuple[bool | None, ...] | list[bool | None]) -> bool:
        """Whether these answers (one per question, None unanswered) support confirming the rule."""
        given = [a for a in answers if a is not None]
        if self.confirm_when == "all":
            return len(given) == len(self.questions) and all(given)
        return any(given)


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
    major_rules: dict[str, MajorRule] = field(default_factory=dict)
    rule_files: dict[str, RuleFile] = field(default_factory=dict)
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

    def major_rule(self, rule_id: str) -> MajorRule:
        try:
            return self.major_rules[rule_id]
        except KeyError:
            known = ", ".join(sorted(self.major_rules)) or "-"
            raise InspectorError(_("Unknown major-hazard rule '{rule}'. Known rules: {known}.").format(
                rule=rule_id, known=known)) from None

    def rules_indicated(self, category: str, checklist_items: tuple[str, ...] | list[str] = ()) -> list[MajorRule]:
        """The major-hazard rules a hazard of this category, or from these failed checklist items, may
        fall under, in the rule files' order."""
        return [rule for rule in self.major_rules.values()
                if category in rule.categories or any(item in rule.checklist_items for item in checklist_items)]

    def icon_for(self, category_code: str) -> str:
        category = self.categories.get(category_code)
        group = self.groups.get(category.group) if category else None
        return group.icon if group else "clipboard"
