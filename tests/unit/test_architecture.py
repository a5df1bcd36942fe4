"""The shape of the package: no module takes part in an import circle, and no file grows past the
house's limit. The layer rules themselves (no Qt in the core, ui/ never importing cli/, the
application layer under both) are import-linter contracts in pyproject.toml, run by scripts/test.sh."""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = REPO_ROOT / "inspector_app"
# The house's limit is "about 600 lines"; past this a file is doing more than one job.
MAX_LINES = 620


def import_circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every group of two or more modules that reach each other by imports (Tarjan's strongly
    connected components), imports inside functions and under TYPE_CHECKING included."""
    counter = 0
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(root: str) -> None:
        nonlocal counter
        # An explicit stack: the import graph is deep enough to matter for Python's recursion limit.
        work: list[tuple[str, list[str]]] = []

        def enter(module: str) -> None:
            nonlocal counter
            index[module] = lowest[module] = counter
            counter += 1
            stack.append(module)
            on_stack.add(module)
            work.append((module, sorted(graph.find_modules_directly_imported_by(module))))

        enter(root)
        while work:
            module, pending = work[-1]
            if pending:
                imported = pending.pop()
                if imported not in index:
                    enter(imported)
                elif imported in on_stack:
                    lowest[module] = min(lowest[module], index[imported])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowest[parent] = min(lowest[parent], lowest[module])
            if lowest[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return circles


def test_no_module_of_the_program_is_in_an_import_circle():
    graph = grimp.build_graph("inspector_app")
    assert import_circles(graph) == []


def test_the_circle_finder_finds_a_circle():
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert import_circles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
    graph.remove_import(importer="pkg.c", imported="pkg.a")
    assert import_circles(graph) == []


def test_no_file_of_the_program_is_past_the_house_limit():
    too_long = {str(path.relative_to(PACKAGE_DIR)): lines for path in PACKAGE_DIR.rglob("*.py")
                if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert too_long == {}


def test_every_package_of_the_tree_is_listed_for_the_build():
    """pyproject.toml lists the packages (a find cannot map forms/ and resources/ in from the top):
    a new folder of code missing from that list would be missing from every wheel."""
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    in_tree = {".".join(folder.relative_to(REPO_ROOT).parts) for folder in [PACKAGE_DIR, *PACKAGE_DIR.rglob("*")]
               if folder.is_dir() and any(folder.glob("*.py"))}
    assert set(config["packages"]) == in_tree | {"inspector_app.forms", "inspector_app.resources"}
    assert config["package-dir"] == {"inspector_app.forms": "forms", "inspector_app.resources": "resources"}
    assert (REPO_ROOT / "forms" / "taxonomy.yaml").is_file() and (REPO_ROOT / "resources" / "locale").is_dir()


def test_every_file_under_resources_but_translation_sources_goes_into_the_wheel():
    """The wheel takes from resources/ only what pyproject's package-data globs match: a font, its
    licence or its README left out would be missing from every install (the bundle takes all)."""
    import fnmatch

    globs = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["setuptools"]["package-data"]["inspector_app.resources"]
    resources = REPO_ROOT / "resources"
    files = [p.relative_to(resources).as_posix() for p in resources.rglob("*") if p.is_file() and p.suffix != ".po"]
    left_out = [f for f in files if not any(fnmatch.fnmatch(f, g) or fnmatch.fnmatch(f, g.removeprefix("**/"))
                                            for g in globs)]
    assert {"fonts/wqy-microhei-subset.ttf", "fonts/LICENSE-Apache-2.0.txt", "fonts/README.md"} <= set(files)
    assert left_out == []
