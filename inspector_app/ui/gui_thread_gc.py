"""Python's cycle collector, run only on the GUI thread.

The collector normally runs in whichever thread happens to allocate when a threshold is crossed: a
plan import's, a print job's, the sandbox's reader. A Qt widget caught in a reference cycle (a
dialog whose callback refers back to it, say) is then destroyed on that thread, which Qt does not
allow: its timers stay registered on the GUI thread, and the next one to fire crashes the program.
So automatic collection is switched off and a timer on the GUI thread collects instead, the
generations chosen by the same thresholds the collector itself uses.

Once the main window is built, everything made so far (some 100,000 objects: the modules, the window,
its models, nearly all kept for the life of the program) is frozen out of the collector's sight: the
first check otherwise scanned them all before the window's first paint (56 ms of CPU on the demo, to
free about 240 objects), and every later full collection again.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        gc.disable()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()

    def check(self) -> None:
        thresholds, counts = gc.get_threshold(), gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return


_collector: GuiThreadCollector | None = None


def freeze_what_start_made() -> None:
    """After the start: the objects made so far are never collected (nor scanned) again."""
    gc.freeze()


def install(parent: QObject) -> GuiThreadCollector:
    """From now on cycles are collected on the thread ``parent`` lives on (the GUI thread); once."""
    global _collector
    if _collector is None:
        _collector = GuiThreadCollector(parent)
        _collector.start()
    return _collector
