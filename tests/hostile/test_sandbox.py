"""The plan sandbox's budgets: a file that runs too long or needs too much memory is stopped and named;
the safety screen refuses SVG bombs even where a plan is opened in-process; pipes are never read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from inspector_app import plans
from inspector_app.i18n import use_language
from inspector_app.plans import PlanError, sandbox
from tests.hostile.conftest import CORPUS
from tests.hostile.test_canvas_loader import _slow_svg


def test_a_file_past_its_time_budget_is_stopped_and_named(tmp_path):
    slow = _slow_svg(tmp_path / "slow.svg")  # draws in several seconds
    with use_language("en"), pytest.raises(PlanError) as refused:
        sandbox.probe(slow, sandbox.Budget(seconds=1, memory_mb=2048))
    assert "slow.svg" in str(refused.value) and "longer than 1 second;" in str(refused.value)


def test_a_file_past_its_memory_budget_is_stopped_and_named():
    # Its content stream inflates to 200 MB inside PDFium: well past a 150 MB budget. A fresh child, so
    # no memory kept from an earlier file hides the growth.
    sandbox.stop_children()
    with use_language("en"), pytest.raises(PlanError) as refused:
        sandbox.render_page(CORPUS / "pdf_flate_bomb.pdf", 0, 320, sandbox.Budget(seconds=60, memory_mb=150))
    assert "pdf_flate_bomb.pdf" in str(refused.value) and "more than 150 MB" in str(refused.value)


def test_the_same_file_within_budget_reports_what_it_cost():
    sandbox.stop_children()
    result = sandbox.render_page(CORPUS / "pdf_flate_bomb.pdf", 0, 320, sandbox.Budget(seconds=60, memory_mb=1500))
    assert result.value.size == (320, round(320 * 842 / 595))
    assert result.figures.peak_mb > 150 and result.figures.seconds > 0


@pytest.mark.parametrize("name", ["svg_use_exponential.svg", "svg_pattern_chain.svg", "svg_use_self_recursive.svg",
                                  "svg_entities_billion_laughs.svg", "svgz_bomb.svgz"])
def test_in_process_open_refuses_svg_bombs_before_qtsvg_sees_them(name):
    with use_language("en"), pytest.raises(PlanError) as refused:
        plans.open(CORPUS / name)
    assert name in str(refused.value)


def test_a_pipe_is_never_read(tmp_path):
    fifo = tmp_path / "plan.svg"
    os.mkfifo(fifo)
    with use_language("en"), pytest.raises(PlanError, match="not an ordinary file"):
        sandbox.describe(fifo)


def test_the_program_entry_point_serves_as_the_child_of_a_frozen_build():
    """A frozen build starts itself with --plan-sandbox-child; the ordinary CLI entry must hand over."""
    import io
    import pickle
    import struct
    import subprocess
    import sys

    job = pickle.dumps(("describe", (CORPUS / "svg_utf16.svg",), 512, "en"))
    done = subprocess.run([sys.executable, "-m", "inspector_app", "--plan-sandbox-child"],
                          input=struct.pack("<Q", len(job)) + job, capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(CORPUS.parents[2])})
    stream = io.BytesIO(done.stdout)
    replies = [sandbox._read_message(stream)[0] for _ in range(2)]
    assert replies == ["ready", "ok"] and done.returncode == 0


@pytest.mark.parametrize("reader", ["notice excerpt", "canvas loader"])
def test_notice_excerpt_and_canvas_read_through_the_budget(reader, monkeypatch, qtbot):
    """Opened in-process this PDF would simply take 400 MB; both readers refuse it past a 150 MB budget."""
    from inspector_app.notices.plan_excerpt import clear_cache, plan_excerpt
    from inspector_app.ui.canvas.loader import load_plan

    monkeypatch.setenv("INSPECTOR_PLAN_MEMORY_MB", "150")
    sandbox.stop_children()
    sandbox.forget_proved()
    clear_cache()
    bomb = CORPUS / "pdf_flate_bomb.pdf"
    with use_language("en"), pytest.raises(PlanError) as refused:
        if reader == "notice excerpt":
            plan_excerpt(bomb, 0, 0.5, 0.5, 400, 300)
        else:
            load_plan(bomb, None)
    assert "pdf_flate_bomb.pdf" in str(refused.value) and "more than 150 MB" in str(refused.value)


def test_a_proof_outlives_the_run_but_only_for_the_same_content(floorplans, tmp_path, monkeypatch,
                                                                private_user_folders):
    """A plan proved once is not probed again at the next start (a copy elsewhere stands for the next
    run: it is not in this process's memory); a changed file, or one that failed, is probed again."""
    plan = sorted((floorplans / "svg").glob("*.svg"), key=lambda p: p.stat().st_size)[0]
    sandbox.forget_proved()
    sandbox.ensure_safe(plan)
    assert len(list((private_user_folders / "cache" / sandbox.PROOFS_FOLDER).iterdir())) == 1

    probed: list[str] = []
    real_probe = sandbox.probe

    def counting_probe(path, budget=None, cancel=None):
        probed.append(Path(path).name)
        return real_probe(path, budget, cancel)

    monkeypatch.setattr(sandbox, "probe", counting_probe)
    same = tmp_path / "same.svg"
    same.write_bytes(plan.read_bytes())
    sandbox.ensure_safe(same)
    assert probed == []

    changed = tmp_path / "changed.svg"
    changed.write_bytes(plan.read_bytes().replace(b"</svg>", b"<!-- edited --></svg>"))
    sandbox.ensure_safe(changed)
    assert probed == ["changed.svg"]

    slow = _slow_svg(tmp_path / "slow.svg")
    for _attempt in range(2):
        with pytest.raises(PlanError):
            sandbox.ensure_safe(slow, sandbox.Budget(seconds=1, memory_mb=2048))
    assert probed == ["changed.svg", "slow.svg", "slow.svg"]
