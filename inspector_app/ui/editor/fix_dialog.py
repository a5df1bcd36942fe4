""""Fixed on the spot": the dialog asking for what it needs (a note saying how it was fixed and,
unless the hazard already has one, an after-photo, picked from a file or pasted from the clipboard),
and the editor's step that closes the hazard with them (mixed into HazardEditor)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.errors import InspectorError
from inspector_app.core.hazards import change_status, find_hazard
from inspector_app.core.workflow import Status
from inspector_app.i18n import _, ngettext
from inspector_app.ui.editor.editor_hooks import EditorHooks
from inspector_app.ui.editor.photo_strip import PHOTO_FILTER, save_jpeg
from inspector_app.ui.file_dialogs import open_file


class FixOnSpotDialog(QDialog):
    def __init__(self, after_photos: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Fixed on the spot"))
        self.setMinimumWidth(440)
        self._photo: Path | None = None
        self._after_photos = after_photos
        self._tmp = tempfile.TemporaryDirectory(prefix="inspector-after-")
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText(_("e.g. Power strip removed from the bed in the presence of the "
                                            "dormitory supervisor."))
        self.note_edit.setMaximumHeight(100)
        if after_photos:
            text = ngettext("The hazard already has {n} after-photo.", "The hazard already has {n} after-photos.",
                            after_photos).format(n=after_photos)
        else:
            text = _("No after-photo yet: add one showing the fixed state.")
        self.photo_label = QLabel(text)
        self.photo_label.setWordWrap(True)
        pick = QPushButton(_("Choose after-photo…"))
        paste = QPushButton(_("Paste after-photo"))
        for button in (pick, paste):
            button.setMinimumHeight(40)
        pick.clicked.connect(self._pick)
        paste.clicked.connect(self._paste)
        photo_row = QHBoxLayout()
        photo_row.addWidget(pick)
        photo_row.addWidget(paste)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Close as fixed on the spot"))
        ok.setMinimumHeight(40)
        self.ok = ok
        self.note_edit.textChanged.connect(self._update_ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("How was it fixed? (closing note)")))
        layout.addWidget(self.note_edit)
        layout.addWidget(self.photo_label)
        layout.addLayout(photo_row)
        layout.addWidget(buttons)
        self._update_ok()

    def _pick(self) -> None:
        chosen = open_file(self, "photo", _("Choose after-photo"), _("Photos ({patterns})").format(
            patterns=PHOTO_FILTER))
        if chosen is not None:
            self._set_photo(chosen)

    def _paste(self) -> None:
        image = QApplication.clipboard().image()
        if image.isNull():
            self.photo_label.setText(_("There is no image on the clipboard."))
            return
        path = Path(self._tmp.name) / "after.jpg"
        if save_jpeg(image, path):
            self._set_photo(path)

    def _set_photo(self, path: Path) -> None:
        self._photo = path
        self.photo_label.setText(_("After-photo: {name}").format(name=path.name))
        self._update_ok()

    def _update_ok(self) -> None:
        # Both are required: better to say so here than to lose the typed note to a refusal later.
        self.ok.setEnabled(bool(self.note().strip()) and (self._photo is not None or self._after_photos > 0))

    def note(self) -> str:
        return self.note_edit.toPlainText()

    def photo_path(self) -> Path | None:
        return self._photo


class FixOnSpotActions(EditorHooks):
    """Needs from the editor, beyond EditorHooks: the status of the hazard shown and how many
    after-photos it has."""

    _status: str

    def after_photo_count(self) -> int:
        raise NotImplementedError

    def open_fix_on_spot(self) -> None:
        dialog = FixOnSpotDialog(self.after_photo_count(), self)  # type: ignore[arg-type]
        if dialog.exec():
            self.fix_on_spot(dialog.note(), dialog.photo_path())

    def fix_on_spot(self, note: str, after_photo: Path | None = None) -> bool:
        """Close an open hazard as fixed on the spot; refused (with a message) without a note or an
        after-photo. Not undoable: a closed hazard is final (a new hazard is recorded if it comes back)."""
        if self.hazard_id is None or self._status != Status.OPEN:
            return False
        self.commit_pending()
        if not note.strip():
            self.show_message(_("Say in a note how it was fixed on the spot."))
            return False
        if after_photo is None and not self.after_photo_count():
            self.show_message(_("Fixed on the spot needs an after-photo showing the fixed state."))
            return False
        try:
            with self.db.session() as session:
                change_status(session, self.db.store, find_hazard(session, self.hazard_id), Status.CLOSED.value,
                              self.actor, note=note.strip(), photos=[after_photo] if after_photo else [],
                              photo_max_edge=self.photo_max_edge)
        except InspectorError as exc:
            self.show_message(str(exc))
            return False
        hazard_id = self.hazard_id
        self.reload()
        self.hazardChanged.emit(hazard_id)
        return True
