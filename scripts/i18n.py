"""Translation catalogues: extract the program's strings, check the Chinese catalogue, compile .mo.

    python scripts/i18n.py extract [NAME...]   add new strings of the code to the right .po (empty
                                     translation); only to the named catalogues if names are given
    python scripts/i18n.py check     fail if a string lacks a translation, a {placeholder} differs,
                                     or a compiled .mo is out of date with its .po
    python scripts/i18n.py compile   write every .mo from its .po

Each part of the program has its own catalogue (inspector_app.i18n.CATALOGUE_OF, shared with the
program), so parallel work never edits the same file; at run time a module reads only its own part's
catalogue and the small common one, so `check` wants every string translated exactly there.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from inspector_app.i18n import COMMON_CATALOGUE, catalogue_for  # noqa: E402 - the program's own table

LOCALE = ROOT / "resources" / "locale"
LANGUAGES = ("zh_CN",)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def extracted() -> dict[str, dict[str | tuple[str, str], list[tuple[str, int]]]]:
    found: dict[str, dict[str | tuple[str, str], list[tuple[str, int]]]] = {}
    method_map = [("**.py", "python")]
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT / "inspector_app"), method_map=method_map, keywords=KEYWORDS
    ):
        rel = f"inspector_app/{filename}"
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault(catalogue_for(rel), {}).setdefault(key, []).append((rel, lineno))
    return found


def po_path(language: str, name: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{name}.po"


def load(path: Path, language: str) -> Catalog:
    if path.exists():
        with path.open("rb") as fh:
            return read_po(fh, locale=language)
    catalog = Catalog(locale=language, project="Fire-Risk Inspector", charset="utf-8")
    return catalog


def save(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False, sort_output=True)
    path.write_bytes(buffer.getvalue())


def compile_one(po: Path, language: str) -> None:
    catalog = load(po, language)
    with po.with_suffix(".mo").open("wb") as fh:
        write_mo(fh, catalog, use_fuzzy=False)


def cmd_extract(only: list[str]) -> int:
    for language in LANGUAGES:
        for name, messages in extracted().items():
            if only and name not in only:
                continue
            path = po_path(language, name)
            catalog = load(path, language)
            added = 0
            for message, locations in messages.items():
                if message not in catalog:
                    catalog.add(message, string=("", "") if isinstance(message, tuple) else "",
                                locations=locations)
                    added += 1
            if added:  # leave untouched catalogues byte for byte as they are
                save(catalog, path)
            print(f"{path.relative_to(ROOT)}: {added} new")
    return 0


def _translated(catalog: Catalog, message: str | tuple[str, str]) -> str | None:
    entry = catalog.get(message[0] if isinstance(message, tuple) else message)
    if entry is None or entry.fuzzy:
        return None
    strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    return strings[0] if all(strings) else None


def _key(value: object) -> object:
    # A plural message's ids and strings come back as lists from a .mo but as tuples from a .po.
    return tuple(value) if isinstance(value, list | tuple) else value


def cmd_check() -> int:
    problems: list[str] = []
    for language in LANGUAGES:
        catalogs = {p.stem: load(p, language) for p in sorted((LOCALE / language / "LC_MESSAGES").glob("*.po"))}
        for name, messages in extracted().items():
            for message, locations in messages.items():
                where = f"{locations[0][0]}:{locations[0][1]}"
                found = None
                for catalog in (catalogs.get(name), catalogs.get(COMMON_CATALOGUE)):
                    found = _translated(catalog, message) if catalog is not None else None
                    if found is not None:
                        break
                source = message[0] if isinstance(message, tuple) else message
                if found is None:
                    problems.append(f"{where}: no {language} translation in {name}.po for {source!r}")
                elif set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(found)):
                    problems.append(f"{where}: placeholders differ in the {language} translation of {source!r}")
        for name, catalog in catalogs.items():
            mo = po_path(language, name).with_suffix(".mo")
            if not mo.exists():
                problems.append(f"{mo.relative_to(ROOT)} is missing: run scripts/i18n.py compile")
                continue
            with mo.open("rb") as fh:
                compiled = read_mo(fh)
            wanted = {_key(m.id): _key(m.string) for m in catalog if m.id and not m.fuzzy and m.string}
            have = {_key(m.id): _key(m.string) for m in compiled if m.id}
            if wanted != have:
                problems.append(f"{mo.relative_to(ROOT)} is out of date with {name}.po: run scripts/i18n.py compile")
    for problem in problems:
        print(problem)
    print(f"translations: {len(problems)} problem(s)")
    return 1 if problems else 0


def cmd_compile() -> int:
    for language in LANGUAGES:
        for po in sorted((LOCALE / language / "LC_MESSAGES").glob("*.po")):
            compile_one(po, language)
            print(f"compiled {po.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "extract":
        sys.exit(cmd_extract(sys.argv[2:]))
    commands = {"check": cmd_check, "compile": cmd_compile}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        print(__doc__)
        sys.exit(2)
    sys.exit(commands[sys.argv[1]]())
