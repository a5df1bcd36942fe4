"""Major-hazard rules as data (forms/major_hazards): the shipped file holds items 1-9 of the education
guide's Art. 3 (1), verbatim, and says what is missing; each rule is pointed at by exactly the
categories and checklist items listed here; a broken rule file is refused with its file and line; an
organisation's folder adds a rule, replaces one by id, or replaces a whole file by name."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from inspector_app.cli import main
from inspector_app.core.forms import FormsError, load_catalogue
from inspector_app.paths import builtin_forms_dir

SHARED_SOURCES = Path(__file__).resolve().parents[3] / "shared" / "MAJOR-HAZARD-SOURCES.md"
SOURCES_EXCERPT = Path(__file__).resolve().parents[1] / "data" / "major_hazard_sources_excerpt.md"

# What points at each shipped rule: (categories, failed checklist items). Items 2 and 7 are about where
# a building is and whether it was approved, which no category of the taxonomy records: they are
# reached by choosing the rule.
EXPECTED_INDICATORS: dict[str, tuple[set[str], set[str]]] = {
    "edu2024.3.1.1": ({"management.no_responsibility_system"}, set()),
    "edu2024.3.1.2": (set(), set()),
    "edu2024.3.1.3": ({"combustibles.fuel_storage", "combustibles.sandwich_panel", "kitchen.cylinder_indoor"},
                      {"canteen.04", "canteen.09", "sports_facility.07"}),
    "edu2024.3.1.4": ({"fire_equipment.alarm_fault", "fire_equipment.sprinkler_fault",
                       "fire_equipment.hydrant_incomplete"}, set()),
    "edu2024.3.1.5": ({"fire_use.unauthorised_hot_work"}, {"special_equipment.12"}),
    "edu2024.3.1.6": ({"electrical.ebike_indoor_charging", "electrical.improvised_wiring"},
                      {"dormitory.03", "dormitory.05", "teaching_building.02", "teaching_building.05",
                       "sports_facility.09"}),
    "edu2024.3.1.7": (set(), set()),
    "edu2024.3.1.8": ({"evacuation.locked_exit"},
                      {"dormitory.10", "teaching_building.06", "canteen.11", "sports_facility.02"}),
    "edu2024.3.1.9": ({"evacuation.window_bars", "evacuation.locked_exit"},
                      {"dormitory.10", "dormitory.11", "teaching_building.06", "teaching_building.07", "canteen.11",
                       "sports_facility.02"}),
}


def test_the_shipped_file_holds_items_1_to_9_and_says_what_is_missing(catalogue):
    assert list(catalogue.major_rules) == [f"edu2024.3.1.{n}" for n in range(1, 10)]
    source = catalogue.rule_files["education_2024.yaml"]
    assert source.number == "教发厅函〔2024〕20号" and source.date == "2024-06-24"
    assert "item 10" in source.status.en and "not available" in source.status.en
    assert "第10项" in source.status.zh
    assert len(source.missing) == 3 and any("综合判定" in m.zh for m in source.missing)
    assert len(source.sha256) == 64 and source.edition
    for number, rule in enumerate(catalogue.major_rules.values(), start=1):
        assert rule.reference.zh == f"第三条（一）第{number}项" and rule.reference.en == f"Art. 3 (1), item {number}"
        assert rule.file == "education_2024.yaml" and rule.gloss and rule.questions
        assert all(q.zh.endswith("？") and q.en.endswith("?") for q in rule.questions)
    assert catalogue.major_rules["edu2024.3.1.6"].text == "电动自行车(含电池)入楼或私拉乱接电线、飞线充电的。"


def _source_items(sources: str) -> str:
    return sources[sources.index("(一)直接判定"):sources.index("10. 实验室")]


def test_the_excerpt_kept_in_tests_is_the_shared_sources_own():
    """tests/data keeps the guide's items for clones without ../shared; with ../shared, it must match."""
    kept = _source_items(SOURCES_EXCERPT.read_text(encoding="utf-8"))
    assert "6. 电动自行车(含电池)入楼或私拉乱接电线、飞线充电的。" in kept
    if SHARED_SOURCES.is_file():  # an added case where ../shared is there, not a condition to pass
        assert kept == _source_items(SHARED_SOURCES.read_text(encoding="utf-8"))


def test_every_shipped_text_is_the_sources_word_for_word(catalogue):
    """Each rule's text is the sources' item, its wrapped lines joined and nothing else changed."""
    direct = _source_items((SHARED_SOURCES if SHARED_SOURCES.is_file() else SOURCES_EXCERPT).read_text(
        encoding="utf-8"))
    items: dict[int, str] = {}
    for line in direct.splitlines()[1:]:
        numbered = re.match(r"^(\d+)\. (.*)$", line)
        if numbered:
            items[int(numbered[1])] = numbered[2]
        elif line.startswith("   ") and items:
            items[max(items)] += line.strip()
    assert sorted(items) == list(range(1, 10))
    for number, text in items.items():
        assert catalogue.major_rules[f"edu2024.3.1.{number}"].text == text, number


@pytest.mark.parametrize("rule_id", sorted(EXPECTED_INDICATORS))
def test_each_rule_is_pointed_at_by_its_categories_and_checklist_items(catalogue, rule_id):
    categories, items = EXPECTED_INDICATORS[rule_id]
    rule = catalogue.major_rules[rule_id]
    assert set(rule.categories) == categories and set(rule.checklist_items) == items
    for code in catalogue.categories:
        assert (rule in catalogue.rules_indicated(code)) == (code in categories), code
    every_item = {item.code: item.category for checklist in catalogue.checklists.values() for item in checklist.items}
    for item, category in every_item.items():
        indicated = rule in catalogue.rules_indicated("none.such", [item])
        assert indicated == (item in items), item
        if item in items:  # the item's own category also leads there, or the item adds what it cannot
            assert rule in catalogue.rules_indicated(category, [item])


def test_the_questions_decide_by_any_or_all(catalogue):
    ebike = catalogue.major_rules["edu2024.3.1.6"]  # either part of the item makes it a major hazard
    assert ebike.supported_by([True, None]) and ebike.supported_by([False, True])
    assert not ebike.supported_by([False, False]) and not ebike.supported_by([None, None])
    windows = catalogue.major_rules["edu2024.3.1.9"]  # a crowded place AND obstacles on its windows
    assert windows.supported_by([True, True])
    assert not windows.supported_by([True, False]) and not windows.supported_by([True, None])


RULE_FILE = """\
version: 1
edition: "2025.1"
source:
  title: {zh: "《某省学校重大火灾隐患判定细则》", en: "Provincial rules"}
  issuer: {zh: "某省教育厅", en: "Provincial education department"}
  number: "某教〔2025〕1号"
  date: 2025-03-01
  part: {zh: "第二条", en: "Art. 2"}
status: {zh: "全文", en: "Full text"}
rules:
  - id: %(id)s
    reference: {zh: "第二条第1项", en: "Art. 2, item 1"}
    text: "宿舍内使用明火取暖的。"
    gloss: "Open-fire heating in a dormitory."
    categories: [%(category)s]
    questions:
      - {zh: "是否在宿舍内使用明火取暖？", en: "Is an open fire used for heating in a dormitory?"}
"""


def _org_rules(tmp_path: Path, text: str, name: str = "province.yaml") -> Path:
    folder = tmp_path / "bureau-forms"
    (folder / "major_hazards").mkdir(parents=True, exist_ok=True)
    (folder / "major_hazards" / name).write_text(text, encoding="utf-8")
    return folder


def test_a_bureaus_rule_file_adds_a_rule_and_replaces_one(tmp_path):
    folder = _org_rules(tmp_path, RULE_FILE % {"id": "prov2025.2.1", "category": "fire_use.open_fire_heating"})
    replacing = RULE_FILE.replace("  - id: %(id)s", "  - id: edu2024.3.1.6\n    categories: [fire_use.open_flame]\n"
                                  "    reference: {zh: 改, en: changed}\n    text: 改\n    gloss: changed\n"
                                  "    questions: [{zh: 问？, en: Q?}]\n  - id: %(id)s")
    (folder / "major_hazards" / "province.yaml").write_text(
        replacing % {"id": "prov2025.2.1", "category": "fire_use.open_fire_heating"}, encoding="utf-8")
    catalogue = load_catalogue([folder], use_cache=False)
    added = catalogue.major_rules["prov2025.2.1"]
    assert added.file == "province.yaml" and catalogue.rule_files["province.yaml"].edition == "2025.1"
    assert catalogue.rules_indicated("fire_use.open_fire_heating") == [added]
    replaced = catalogue.major_rules["edu2024.3.1.6"]
    assert replaced.file == "province.yaml" and replaced.text == "改"
    assert catalogue.rules_indicated("electrical.ebike_indoor_charging") == []
    assert len(catalogue.major_rules) == 10  # the other eight built-in rules stay


def test_a_file_of_the_same_name_replaces_the_built_in_file_whole(tmp_path):
    folder = _org_rules(tmp_path, RULE_FILE % {"id": "prov2025.2.1", "category": "fire_use.open_fire_heating"},
                        name="education_2024.yaml")
    catalogue = load_catalogue([folder], use_cache=False)
    assert list(catalogue.major_rules) == ["prov2025.2.1"]
    assert catalogue.rule_files["education_2024.yaml"].edition == "2025.1"


@pytest.mark.parametrize(("text", "line", "message"), [
    ((RULE_FILE % {"id": "prov2025.2.1", "category": "fire_use.open_fire_heating"})
     .replace('    gloss: "Open-fire heating in a dormitory."\n', ""), 11, "gloss"),
    (RULE_FILE % {"id": "Bad Id", "category": "fire_use.open_fire_heating"}, 11, "rules.0.id"),
    (RULE_FILE.replace("      - {zh", "      - {en: only}\n      - {zh") % {
        "id": "prov2025.2.1", "category": "fire_use.open_fire_heating"}, 17, "zh"),
    (RULE_FILE % {"id": "prov2025.2.1", "category": "fire_use.no_such_thing"}, 11, "fire_use.no_such_thing"),
    (RULE_FILE.replace("version: 1\n", "") % {"id": "x.1", "category": "fire_use.smoking"}, 1, "version"),
    (RULE_FILE.replace("rules:", "rules: [\n") % {"id": "x.1", "category": "fire_use.smoking"}, 12, "YAML"),
])
def test_a_rule_file_with_an_error_is_refused_with_file_and_line(tmp_path, english, text, line, message):
    folder = _org_rules(tmp_path, text)
    with pytest.raises(FormsError) as caught:
        load_catalogue([folder], use_cache=False)
    where = f"{folder / 'major_hazards' / 'province.yaml'}:{line}"
    assert any(where in str(caught.value) and message in p[2] for p in caught.value.problems), str(caught.value)


def test_forms_check_reads_the_rule_files_and_names_their_editions(tmp_path, capsys, english):
    folder = _org_rules(tmp_path, RULE_FILE % {"id": "prov2025.2.1", "category": "fire_use.open_fire_heating"})
    assert main(["--lang", "en", "forms", "check", str(folder)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["major_rules"] == 10
    assert result["rule_files"] == {"education_2024.yaml": "2024-06-24.1", "province.yaml": "2025.1"}
    assert str(folder / "major_hazards" / "province.yaml") in result["files"]
    assert str(builtin_forms_dir() / "major_hazards" / "education_2024.yaml") in result["files"]
    (folder / "major_hazards" / "notes.yml").write_text("version: 1\n", encoding="utf-8")
    assert main(["--lang", "en", "forms", "check", str(folder)]) != 0
    assert "notes.yml" in capsys.readouterr().err


def test_the_cached_catalogue_has_the_same_rules(tmp_path):
    folder = _org_rules(tmp_path, RULE_FILE % {"id": "prov2025.2.1", "category": "fire_use.open_fire_heating"})
    fresh = load_catalogue([folder], use_cache=False)
    load_catalogue([folder])  # writes the cache
    cached = load_catalogue([folder])
    assert cached.major_rules == fresh.major_rules and cached.rule_files == fresh.rule_files
    (folder / "major_hazards" / "province.yaml").write_text(
        (RULE_FILE % {"id": "prov2025.2.1", "category": "fire_use.open_fire_heating"}).replace("2025.1", "2025.2"),
        encoding="utf-8")
    assert load_catalogue([folder]).rule_files["province.yaml"].edition == "2025.2"
