"""The category picker: search by Chinese, English or code; grouped; recently used first."""

from __future__ import annotations

import pytest

from inspector_app.ui.editor.category_picker import MAX_RECENT, CategoryPicker, remember


@pytest.fixture
def picker(qtbot, catalogue, english):
    widget = CategoryPicker(catalogue, recent=["fire_use.smoking", "no.such_code"])
    qtbot.addWidget(widget)
    return widget


def test_recently_used_come_first_and_unknown_codes_are_dropped(picker, catalogue):
    assert picker.recent() == ["fire_use.smoking"]
    assert picker.visible_codes()[0] == "fire_use.smoking"
    assert picker.model.item(0).text() == "Recently used"
    assert picker.model.item(1).text() == catalogue.groups["electrical"].name.en
    assert sorted(set(picker.visible_codes())) == sorted(catalogue.categories)


def test_search_by_chinese_english_and_code(picker):
    picker.search.setText("私拉")
    assert picker.visible_codes() == ["electrical.improvised_wiring"]
    picker.search.setText("improvised WIRING")
    assert picker.visible_codes() == ["electrical.improvised_wiring"]
    picker.search.setText("electrical.no_rcd")
    assert picker.visible_codes() == ["electrical.no_rcd"]
    picker.search.setText("吸烟")  # the recent one shows in both its places
    assert set(picker.visible_codes()) == {"fire_use.smoking"}
    picker.search.setText("zzzz nothing")
    assert picker.visible_codes() == []


def test_enter_chooses_the_first_match(picker, qtbot):
    picker.search.setText("私拉")
    with qtbot.waitSignal(picker.categoryChosen) as blocker:
        picker.search.returnPressed.emit()
    assert blocker.args == ["electrical.improvised_wiring"]


def test_remember_moves_to_front_and_caps():
    recent = [f"g.c{i}" for i in range(MAX_RECENT)]
    assert remember(recent, "g.c3")[:2] == ["g.c3", "g.c0"]
    assert len(remember(recent, "g.new")) == MAX_RECENT
