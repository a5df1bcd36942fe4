"""`--self-test` reports a broken step and fails, instead of passing whatever happened.

The passing run is proved where it matters, on the builds (test_wheel.py, test_bundle.py); here the
failures, in-process.
"""

from __future__ import annotations

import io

from inspector_app.launcher import run


def test_a_file_that_is_no_plan_fails_the_self_test_at_that_step(tmp_path, capsys):
    bad = tmp_path / "plan.pdf"
    bad.write_bytes(b"%PDF-1.7 this is no PDF at all")
    assert run(["--self-test", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "ok   forms" in out
    assert "FAIL plan 1" in out and "plan.pdf" in out
    assert out.strip().endswith("self-test FAILED at step 'plan 1'")
    assert "ok   window" not in out  # the steps after a failure are not run


def test_a_missing_plan_file_is_named_in_one_line(tmp_path):
    from inspector_app.selftest import self_test

    out = io.StringIO()
    assert self_test([str(tmp_path / "nowhere.dxf")], out) == 2
    assert out.getvalue() == f"error: no plan file {tmp_path / 'nowhere.dxf'}\n"
