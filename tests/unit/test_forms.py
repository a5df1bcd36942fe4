"""Forms as data: the shipped forms are complete and valid; broken files are refused with the file,
the line and what is wrong; an organisation's folder adds to and overrides the built-in forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector_app.core.forms import FormsError, load_catalogue

REQUIRED_GROUPS = {"electrical", "fire_use", "evacuation", "fire_equipment", "combustibles", "kitchen",
                   "laboratory", "management"}
REQUIRED_CHECKLISTS = {"teaching_building", "dormitory", "canteen", "laboratory", "sports_facility"}


def test_shipped_taxonomy_is_complete(catalogue):
    assert len(catalogue.categories) >= 30
    assert set(catalogue.groups) >= REQUIRED_GROUPS
    for group in REQUIRED_GROUPS:
        assert any(c.group == group for c in catalogue.categories.values()), group
    severities = {c.default_severity for c in catalogue.categories.values()}
    assert severities == {"general", "major"}
    for category in catalogue.categories.values():
        assert category.name.zh and category.name.en
        assert category.legal_basis.zh and category.requirement.zh


def test_shipped_checklists_link_to_categories(catalogue):
    assert set(catalogue.checklists) >= REQUIRED_CHECKLISTS
    for checklist in catalogue.checklists.values():
        for item in checklist.items:
            assert item.category in catalogue.categories


def _write_forms(folder: Path, taxonomy: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "taxonomy.yaml").write_text(taxonomy, encoding="utf-8")
    return folder


GOOD_EXTRA = """\
version: 1
categories:
  - code: electrical.space_heater_office
    group: electrical
    name: {zh: 办公室使用电暖器, en: Space heater in an office}
    default_severity: general
    deadline_days: 3
    fixable_on_spot: true
    legal_basis: {zh: 本单位用电管理规定, en: Our electricity rules}
    requirement: {zh: 立即停用并移除, en: Stop using it and remove it}
"""


def test_organisation_folder_adds_categories(tmp_path):
    folder = _write_forms(tmp_path / "org", GOOD_EXTRA)
    catalogue = load_catalogue([folder])
    assert catalogue.categories["electrical.space_heater_office"].deadline_days == 3
    assert len(catalogue.categories) > 30


def test_broken_yaml_names_file_and_line(tmp_path):
    broken = GOOD_EXTRA.replace("    deadline_days: 3\n", "    deadline_days: [3\n")
    folder = _write_forms(tmp_path / "org", broken)
    with pytest.raises(FormsError) as refused:
        load_catalogue([folder], include_builtin=False)
    path, line, message = refused.value.problems[0]
    assert path == folder / "taxonomy.yaml"
    assert line in (7, 8)  # the unclosed bracket, or the line where the parser noticed it
    assert "YAML" in message


def test_schema_error_names_the_line_of_the_bad_value(tmp_path):
    bad = GOOD_EXTRA.replace("default_severity: general", "default_severity: huge")
    folder = _write_forms(tmp_path / "org", bad)
    with pytest.raises(FormsError) as refused:
        load_catalogue([folder])
    path, line, message = refused.value.problems[0]
    assert (path, line) == (folder / "taxonomy.yaml", 6)
    assert "default_severity" in message
    assert f"{path}:6:" in str(refused.value)


def test_missing_field_is_reported(tmp_path):
    bad = GOOD_EXTRA.replace("    fixable_on_spot: true\n", "")
    folder = _write_forms(tmp_path / "org", bad)
    with pytest.raises(FormsError, match="fixable_on_spot"):
        load_catalogue([folder])


def test_checklist_with_unknown_category_is_refused(tmp_path):
    folder = tmp_path / "org"
    (folder / "checklists").mkdir(parents=True)
    (folder / "checklists" / "office.yaml").write_text(
        "version: 1\narea_type: office\nname: {zh: 办公室, en: Office}\nitems:\n"
        "  - code: office.01\n    text: {zh: 无, en: None}\n    category: electrical.no_such_thing\n",
        encoding="utf-8")
    with pytest.raises(FormsError, match=r"electrical\.no_such_thing"):
        load_catalogue([folder])


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(FormsError, match="no such forms folder"):
        load_catalogue([tmp_path / "nowhere"])


# The validated catalogue is kept in the user's cache folder (core/forms.py), so that a start whose
# forms are unchanged loads neither YAML nor pydantic.

def test_a_cached_catalogue_is_the_catalogue_the_files_give(tmp_path):
    folder = _write_forms(tmp_path / "org", GOOD_EXTRA)
    from_files = load_catalogue([folder], use_cache=False)
    first = load_catalogue([folder])  # reads the files, writes the cache
    again = load_catalogue([folder])  # from the cache
    assert from_files == first == again
    assert again.categories["electrical.space_heater_office"].name.get("zh") == "办公室使用电暖器"


def test_a_start_with_unchanged_forms_loads_no_yaml_or_pydantic(tmp_path):
    import json
    import os
    import subprocess
    import sys

    load_catalogue()  # a first start: the cache is written (the test's own INSPECTOR_HOME)
    probe = ("import json, sys; from inspector_app.core.forms import load_catalogue; c = load_catalogue(); "
             "print(json.dumps([len(c.categories), sorted({m.split('.')[0] for m in sys.modules})]))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    count, loaded = json.loads(done.stdout)
    assert count >= 30 and not {"yaml", "pydantic", "pydantic_core"} & set(loaded)


def test_a_changed_file_is_read_again_and_a_broken_one_refused(tmp_path):
    folder = _write_forms(tmp_path / "org", GOOD_EXTRA)
    assert load_catalogue([folder]).categories["electrical.space_heater_office"].deadline_days == 3
    _write_forms(folder, GOOD_EXTRA.replace("deadline_days: 3", "deadline_days: 5"))
    assert load_catalogue([folder]).categories["electrical.space_heater_office"].deadline_days == 5
    _write_forms(folder, GOOD_EXTRA.replace("deadline_days: 3", "deadline_days: never"))
    with pytest.raises(FormsError, match="deadline_days"):
        load_catalogue([folder])


def test_a_damaged_cache_is_passed_over(tmp_path, private_user_folders):
    folder = _write_forms(tmp_path / "org", GOOD_EXTRA)
    expected = load_catalogue([folder])
    entries = list((private_user_folders / "cache" / "forms").iterdir())
    assert len(entries) == 1
    entries[0].write_text('{"area_types": {', encoding="utf-8")
    assert load_catalogue([folder]) == expected
