"""The main window's Undo and Redo (one QUndoStack for the plan and the editor), a mixin of MainWindow.

Own actions rather than QUndoStack.createUndoAction: typing still waiting in the editor must become its
undo step before undo runs, or Ctrl+Z would skip the words just typed. Redo answers both Ctrl+Shift+Z
(the menu shows it) and Ctrl+Y.

A step that is known to be impossible is not offered: once a hazard is closed or withdrawn (fixed on
the spot, a status changed in the ledger, on the plan or by a sync), the editor's steps on it can never
run again, so they are dropped from the stack at once (``drop_impossible_steps``) rather than left as
"Undo Edit description" until a click finds out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence, QUndoStack

from inspector_app.i18n import _, ngettext
from inspector_app.ui.refusable_command import RefusableCommand
from inspector_app.ui.window_commands import WindowCommands

if TYPE_CHECKING:
    from inspector_app.ui.editor import HazardEditor

REDO_KEYS = ("Ctrl+Shift+Z", "Ctrl+Y")  # the first is the one menus show


class UndoSteps(WindowCommands):
    undo_stack: QUndoStack
    editor: HazardEditor

    def _build_undo_actions(self) -> None:
        self.undo_action = QAction(self)
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction(self)
        self.redo_action.setShortcuts([QKeySequence(key) for key in REDO_KEYS])
        self.redo_action.triggered.connect(self.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        # The texts come with the signals: the stack also signals while it is being destroyed, when
        # asking it for its texts would fail.
        self.undo_stack.undoTextChanged.connect(self._show_undo_text)
        self.undo_stack.redoTextChanged.connect(self._show_redo_text)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)

    def _retranslate_undo(self) -> None:
        for step in range(self.undo_stack.count()):  # the steps already taken are named anew too
            command = self.undo_stack.command(step)
            if isinstance(command, RefusableCommand):
                command.retranslate()
        self._update_undo_texts()

    def undo(self) -> None:
        """Undo one step. A step the ledger refuses (its hazard was closed meanwhile) is dropped, and so
        are the steps under it on the same hazard, at once and said once: not one silent click each."""
        self.editor.commit_pending()
        dropped = 0
        while self.undo_stack.canUndo():
            index, count = self.undo_stack.index(), self.undo_stack.count()
            key = str(getattr(self.undo_stack.command(index - 1), "hazard_id", "") or "")
            self.undo_stack.undo()
            refused = self.undo_stack.count() < count
            if not refused:
                break
            dropped += 1
            below = self.undo_stack.command(self.undo_stack.index() - 1) if self.undo_stack.canUndo() else None
            if not key or str(getattr(below, "hazard_id", "") or "") != key:
                break
        if dropped:
            self.statusBar().showMessage(ngettext(
                "{count} step could no longer be undone and was dropped.",
                "{count} steps could no longer be undone and were dropped.", dropped).format(count=dropped), 15000)
        self._prune()

    def redo(self) -> None:
        self.editor.commit_pending()
        self.undo_stack.redo()
        self._prune()

    def drop_impossible_steps(self) -> None:
        """Drop the steps that need a hazard still open when it is closed or withdrawn now. Those next to
        undo or redo go at once; those further down are marked obsolete, and go (unrun) when they come up."""
        commands = [self.undo_stack.command(i) for i in range(self.undo_stack.count())]
        wanted = {hazard for command in commands if isinstance(command, RefusableCommand)
                  for hazard in command.needs_open_hazards()}
        if not wanted:
            return
        from inspector_app.core.hazards import final_hazard_ids  # not before the window's first paint

        with self.context.db.session() as session:
            final = final_hazard_ids(session, wanted)
        for command in commands:
            if isinstance(command, RefusableCommand) and command.needs_open_hazards() & final:
                command.setObsolete(True)
        self._prune()

    def _prune(self) -> None:
        """Let the stack delete the obsolete steps next to undo and to redo, without running them."""
        stack = self.undo_stack
        while stack.canUndo() and stack.command(stack.index() - 1).isObsolete():
            stack.undo()
        while stack.canRedo() and stack.command(stack.index()).isObsolete():
            stack.redo()

    def _update_undo_texts(self) -> None:
        self._show_undo_text(self.undo_stack.undoText())
        self._show_redo_text(self.undo_stack.redoText())

    def _show_undo_text(self, step: str) -> None:
        # The menu names the step; the tool bar's button stays short (a file name must not push
        # the sync button off a laptop screen) and names it in its tooltip.
        self.undo_action.setText(_("Undo {step}").format(step=step) if step else _("Undo"))
        self.undo_action.setIconText(_("Undo"))
        self.undo_action.setToolTip(self.undo_action.text())

    def _show_redo_text(self, step: str) -> None:
        self.redo_action.setText(_("Redo {step}").format(step=step) if step else _("Redo"))
        self.redo_action.setIconText(_("Redo"))
        self.redo_action.setToolTip(self.redo_action.text())
