"""One meaning per string: every module reads its own part's catalogue (and the small common one), so
the same English word can be translated differently in two parts of the program and never borrows the
other part's translation; marked constants keep the catalogue of the module that marked them; plurals
come in the right form in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from inspector_app import i18n
from inspector_app.i18n import catalogue_for, translations, use_language
from inspector_app.paths import resource_dir

LOCALE = resource_dir() / "locale" / "zh_CN" / "LC_MESSAGES"


def translate_as(module: str, text: str, language: str = "zh_CN") -> str:
    """What `_()` returns when called from code of that module (the caller's name picks the catalogue)."""
    code = compile("_(text)", f"<{module}>", "eval")
    with use_language(language):
        return eval(code, {"__name__": module, "_": i18n._, "text": text})


def plural_as(module: str, singular: str, plural: str, n: int, language: str) -> str:
    code = compile("ngettext(s, p, n)", f"<{module}>", "eval")
    with use_language(language):
        return eval(code, {"__name__": module, "ngettext": i18n.ngettext, "s": singular, "p": plural,
                           "n": n})


def catalogues() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for po in sorted(LOCALE.glob("*.po")):
        with po.open("rb") as fh:
            found[po.stem] = {m.id: m.string for m in read_po(fh) if isinstance(m.id, str) and m.id and m.string}
    return found


def test_the_same_word_keeps_each_parts_meaning():
    # The button that opens a saved PDF, and the status of a hazard not yet rectified.
    assert translate_as("inspector_app.ui.print_dialogs", "Open") == "打开"
    assert translate_as("inspector_app.core.workflow", "Open") == "未整改"
    # A bare "Category" in the sync conflicts list, and in the ledger's columns.
    assert translate_as("inspector_app.ui.sync_conflicts", "Category") == "类别"
    assert translate_as("inspector_app.ui.ledger_model", "Category") == "隐患类别"


def test_no_string_resolves_to_another_parts_translation():
    """Every message of every catalogue, looked up as its own part's code does, gives that catalogue's
    translation: a lookup that let another catalogue answer first fails here for every word two parts
    translate differently."""
    found = catalogues()
    clashes = {msgid for name, messages in found.items() for msgid in messages
               if any(other.get(msgid) not in (None, messages[msgid]) for o, other in found.items() if o != name)}
    assert clashes, "the catalogues hold words that mean different things in different parts"
    for name, messages in found.items():
        table = translations("zh_CN", name)
        wrong = {msgid: table.gettext(msgid) for msgid in messages if table.gettext(msgid) != messages[msgid]}
        assert not wrong, f"{name}.po: {wrong}"


def test_every_module_is_looked_up_in_the_catalogue_it_was_extracted_to():
    package = Path(i18n.__file__).parent
    for source in package.rglob("*.py"):
        rel = "inspector_app/" + source.relative_to(package).as_posix()
        module = rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        is_package = source.name == "__init__.py"
        assert i18n._catalogue_of_module(module, is_package) == catalogue_for(rel), rel


def test_marked_constants_keep_the_catalogue_that_marked_them():
    from inspector_app.core.workflow import STATUS_LABELS, Status

    label = STATUS_LABELS[Status.OPEN]
    # Shown by the print dialogs' code, the status word still is the status word.
    assert translate_as("inspector_app.ui.print_dialogs", label) == "未整改"
    assert translate_as("inspector_app.ui.print_dialogs", "Open") == "打开"


def test_code_outside_the_program_gets_only_the_common_words():
    assert translate_as("tests.somewhere", "Open") == "Open"
    assert translate_as("tests.somewhere", "Fire-Risk Inspector") == "消防隐患巡检"


@pytest.mark.parametrize(("language", "one", "two"), [
    ("en", "it has 1 hazard", "it has 2 hazards"), ("zh_CN", "其中有 1 条隐患", "其中有 2 条隐患")])
def test_plurals_in_both_languages(language, one, two):
    module = "inspector_app.core.structure"
    assert plural_as(module, "it has {count} hazard", "it has {count} hazards", 1, language).format(count=1) == one
    assert plural_as(module, "it has {count} hazard", "it has {count} hazards", 2, language).format(count=2) == two
