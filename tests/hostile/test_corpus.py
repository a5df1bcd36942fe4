"""Every file of the hostile corpus through `plan info`, `plan render`, photo import and `forms check`:
each is handled or refused with one line naming it, as its manifest says, within its budget.

The plan commands run in a pool of two threads (the work is in the children, two cores), calling the
functions the CLI commands run; test_cli_prints_one_line runs the real CLI on one file of each kind.
"""

from __future__ import annotations

import json
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from inspector_app.cli import main
from inspector_app.cli.plan_cmds import describe
from inspector_app.core.errors import InspectorError
from inspector_app.core.photos import clean_photo_bytes
from inspector_app.i18n import use_language
from inspector_app.plans import PlanError, sandbox
from tests.hostile.conftest import CORPUS, PUBLIC, Case, corpus_cases, generated_cases, public_sources

CASES = corpus_cases()
ROOT = Path(__file__).resolve().parents[2]


def _clean_message(text: str, name: str) -> None:
    assert name in text, text
    assert "\n" not in text.strip(), text
    assert "Traceback" not in text and " object at 0x" not in text, text


def _outcome(case: Case, run) -> tuple[str, str]:
    try:
        run(case.path)
    except (PlanError, InspectorError) as exc:
        return "refuse", str(exc)
    return "ok", ""


def _check(case: Case, expected: str, got: str, message: str) -> str | None:
    if got == "refuse":
        try:
            _clean_message(message, case.name)
        except AssertionError as exc:
            return f"{case.name}: unclean message {exc}"
    if expected != "any" and got != expected:
        return f"{case.name}: expected {expected}, got {got} {message}"
    return None


def test_the_corpus_has_forty_files_or_more_and_the_manifest_lists_each():
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "MANIFEST.tsv"}
    listed = {case.name for case in generated_cases()}
    assert len(listed) >= 40 and on_disk == listed
    assert all(case.plan in ("ok", "refuse", "any") and case.photo in ("ok", "refuse", "any") for case in CASES)
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from make_hostile_corpus import cases  # the generator still makes exactly this corpus
    finally:
        sys.path.pop(0)
    assert set(cases()) == listed


def test_the_public_corpus_has_forty_small_files_each_with_its_source_and_licence_text():
    on_disk = {p.name for p in PUBLIC.iterdir() if p.is_file() and p.name != "MANIFEST.tsv"}
    sources = public_sources()
    assert len(sources) >= 40 and on_disk == set(sources)
    sizes = [(PUBLIC / name).stat().st_size for name in sources]
    assert max(sizes) < 500_000 and sum(sizes) < 5_000_000
    for name, source in sources.items():
        assert source.repository.startswith("github.com/") and len(source.commit) == 40, name
        project = source.repository.rsplit("/", 1)[1]
        for licence in source.licence.split(" OR "):  # "MIT OR Apache-2.0": the text of each is kept
            assert (PUBLIC / "LICENSES" / f"{project}-{licence}.txt").is_file(), f"{name}: no text of {licence}"


def test_plan_info_and_render_handle_or_refuse_every_file():
    def info_and_render(case: Case) -> list[str | None]:
        with use_language("en"):
            got, message = _outcome(case, describe)
            problems = [_check(case, case.plan, got, message)]
            got, message = _outcome(case, lambda path: sandbox.render_page(path, 0, 320))
            problems.append(_check(case, case.plan, got, message))
        return problems

    with ThreadPoolExecutor(2) as pool:
        problems = [p for found in pool.map(info_and_render, CASES) for p in found if p]
    assert not problems, "\n".join(problems)


def test_photo_import_handles_or_refuses_every_file():
    problems = []
    with use_language("en"):
        for case in CASES:
            got, message = _outcome(case, clean_photo_bytes)
            problem = _check(case, case.photo, got, message)
            if problem:
                problems.append(problem)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", [c for c in CASES if c.name.endswith(".yaml")], ids=lambda c: c.name)
def test_forms_check_refuses_hostile_yaml_in_one_line(case, tmp_path, capsys):
    (tmp_path / "checklists").mkdir()
    shutil.copy(case.path, tmp_path / "checklists" / case.name)
    code = main(["--lang", "en", "forms", "check", str(tmp_path)])
    _out, err = capsys.readouterr()
    assert code == 1
    assert case.name in err and "Traceback" not in err and " object at 0x" not in err


KINDS = ["svg_use_exponential.svg", "svgz_bomb.svgz", "svg_utf16.svg", "png_huge_declared.png",
         "jpeg_truncated.jpg", "pdf_encrypted.pdf", "dxf_binary_r12.dxf", "dxf_minsert_bomb.dxf",
         "heic_photo.heic", "random_bytes.bin"]


@pytest.mark.parametrize("name", KINDS)
def test_cli_prints_one_line(name, capsys, tmp_path):
    case = next(c for c in CASES if c.name == name)
    code = main(["--lang", "en", "plan", "info", str(case.path)])
    out, err = capsys.readouterr()
    if case.plan == "ok":
        assert code == 0 and json.loads(out)["format"]
    else:
        assert code == 1 and err.startswith("error: ") and err.count("\n") == 1
        _clean_message(err, name)
    code = main(["--lang", "en", "plan", "render", str(case.path), "--width", "200", "--out", str(tmp_path / "o.png")])
    out, err = capsys.readouterr()
    assert code == (0 if case.plan == "ok" else 1)
    assert (tmp_path / "o.png").exists() == (case.plan == "ok")


def test_a_pdf_page_of_impossible_size_is_left_out_and_the_others_open():
    """pdf.js's boundingBox_invalid.pdf: its third page has a MediaBox of 0 0 0 0. The two good pages
    used to be refused with it; now they open, page 2 renders at its own 800x600 pt, and the warning
    names the page left out."""
    path = PUBLIC / "pdfjs_boundingbox_invalid.pdf"
    with use_language("en"):
        facts = describe(path)
    assert [page["label"] for page in facts["pages"]] == ["Page 1", "Page 2"]
    assert facts["warnings"] == ["page 3 has an impossible size (0×0 pt): it is left out"]
    second = sandbox.render_page(path, 1, 400).value
    assert second.size == (400, 300)


def test_a_tiff_page_without_a_size_is_refused_in_the_programs_own_words(capsys):
    """Pillow's crash-2020-10-test.tif: counting its pages raised a TypeError whose English text
    ("Missing dimensions") reached the inspector after a bare "cannot open"."""
    code = main(["--lang", "en", "plan", "info", str(PUBLIC / "pillow_crash_2020_10.tif")])
    assert code == 1
    assert capsys.readouterr().err == "error: pillow_crash_2020_10.tif: the TIFF pages are damaged\n"
