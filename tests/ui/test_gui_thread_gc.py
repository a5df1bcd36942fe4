"""Cycles of Qt objects are freed on the GUI thread only, however busy the worker threads are."""

from __future__ import annotations

import gc
import threading

from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

from inspector_app.ui.gui_thread_gc import GuiThreadCollector


def test_a_widget_cycle_left_by_a_dialog_is_freed_on_the_gui_thread_not_by_a_worker(qtbot):
    freed_on: list[str] = []

    def make_cycle() -> None:
        dialog = QDialog()
        QVBoxLayout(dialog).addWidget(QLineEdit())  # a line edit: a cursor timer of its own
        dialog.on_accept = lambda: dialog  # the cycle: the dialog holds a closure that holds it
        dialog.destroyed.connect(lambda: freed_on.append(threading.current_thread().name))

    make_cycle()
    assert not freed_on, "a cycle waits for the collector"

    def allocate_a_lot() -> None:  # a worker whose allocations would trigger the collector
        junk = [[] for _ in range(200_000)]
        for item in junk:
            item.append(item)

    worker = threading.Thread(target=allocate_a_lot, name="worker")
    worker.start()
    worker.join()
    assert not freed_on, "only the collector on the GUI thread frees it, not the allocations of a worker"
    collectors = [c for c in qtbot_app_children() if isinstance(c, GuiThreadCollector)]
    assert not gc.isenabled() and any(c.timer.isActive() for c in collectors)
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)
    assert freed_on == [threading.main_thread().name]


def qtbot_app_children():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance().children()
