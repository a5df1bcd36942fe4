"""`inspector-app forms check FOLDER` on a folder holding no forms file answered "ok" having checked
nothing (issue 22, item 21): it now fails naming the folder, and names any YAML file it would not read."""

from __future__ import annotations

import json

import pytest

from inspector_app.cli import main


@pytest.mark.parametrize("files", [[], ["taxonomy.yml"], ["checklists/dormitory.yml"], ["notes/taxonomy.yaml"]])
def test_forms_check_of_a_folder_without_a_forms_file_fails_naming_it(tmp_path, capsys, files):
    folder = tmp_path / "our-forms"
    folder.mkdir()
    for name in files:
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text("version: 1\n", encoding="utf-8")
    code = main(["--lang", "en", "forms", "check", str(folder)])
    out, err = capsys.readouterr()
    assert code != 0 and '"ok": true' not in out
    assert str(folder) in err and "nothing was checked" in err
    assert all(str(folder / name) in err for name in files), err


def test_forms_check_names_a_yaml_file_it_would_not_read(tmp_path, capsys):
    folder = tmp_path / "our-forms"
    (folder / "checklists").mkdir(parents=True)
    (folder / "taxonomy.yaml").write_text("version: 1\n", encoding="utf-8")
    (folder / "checklists" / "canteen.yml").write_text("version: 1\n", encoding="utf-8")
    code = main(["--lang", "en", "forms", "check", str(folder)])
    _out, err = capsys.readouterr()
    assert code != 0 and str(folder / "checklists" / "canteen.yml") in err
    (folder / "checklists" / "canteen.yml").unlink()
    assert main(["--lang", "en", "forms", "check", str(folder)]) == 0
    assert str(folder / "taxonomy.yaml") in json.loads(capsys.readouterr().out)["files"]
