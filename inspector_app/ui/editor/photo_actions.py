"""The photo actions of the hazard editor: attach by file, drop, clipboard or camera, mark as
before/after, full view with markup. Each is one undoable step on the editor's stack, through the
commands of ``commands.py``; the editor class mixes these in (``HazardEditor(PhotoActions, QWidget)``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage, QUndoStack
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from inspector_app.core.photos import MAX_STORED_EDGE
from inspector_app.i18n import _
from inspector_app.ui.editor.commands import AttachPhotoCommand, SetOverlayCommand, SetPhotoRoleCommand
from inspector_app.ui.editor.editor_hooks import EditorHooks
from inspector_app.ui.editor.photo_strip import PHOTO_FILTER, PhotoInfo, PhotoStrip, save_jpeg
from inspector_app.ui.file_dialogs import open_files


class PhotoActions(EditorHooks):
    """Needs from the editor, beyond EditorHooks: its undo stack, photo strip and buttons, and the
    hooks below."""

    # The long edge photos are stored at: the inspector's setting, which the main window sets and
    # keeps in step with Settings… (core.settings photo_max_edge).
    photo_max_edge: int = MAX_STORED_EDGE
    undo_stack: QUndoStack
    strip: PhotoStrip
    role_button: QPushButton
    markup_button: QPushButton
    camera_button: QPushButton
    _has_camera: bool
    _markup: Any

    def is_read_only(self) -> bool:
        raise NotImplementedError

    def _saved_change(self, hazard_id: str) -> None:
        raise NotImplementedError

    def _failed(self, message: str) -> None:
        raise NotImplementedError

    def _parent_widget(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self

    def _look_for_camera(self) -> None:
        """Offer the camera button once a camera is found (after the first paint: QtMultimedia is slow)."""
        from inspector_app.ui.editor.camera_capture import camera_available

        self._has_camera = camera_available()
        self.camera_button.setVisible(self._has_camera and not self.is_read_only())

    def _update_photo_buttons(self) -> None:
        photo = self.strip.current_photo()
        editable = self.hazard_id is not None and not self.is_read_only()
        self.role_button.setEnabled(editable and photo is not None)
        self.markup_button.setEnabled(photo is not None)
        if photo is not None and photo.role == "after":
            self.role_button.setText(_("Mark as before"))
        else:
            self.role_button.setText(_("Mark as after"))

    def attach_files(self, paths: list[Path], role: str = "before") -> None:
        """Attach photo files, each one undo step (as dropped, picked or pasted)."""
        if self.hazard_id is None or self.is_read_only():
            return
        for path in paths:
            self.undo_stack.push(AttachPhotoCommand(self.db, self.hazard_id, Path(path), role, self.actor,
                                                    on_done=self._saved_change, on_error=self._failed,
                                                    max_edge=self.photo_max_edge))

    def pick_photo_files(self) -> None:
        self.attach_files(open_files(self._parent_widget(), "photo", _("Choose photos"),
                                     _("Photos ({patterns})").format(patterns=PHOTO_FILTER)))

    def attach_image(self, image: QImage, role: str = "before") -> bool:
        """Attach an image held in memory (clipboard, camera) through a temporary JPEG."""
        if image.isNull():
            self.show_message(_("There is no image on the clipboard."))
            return False
        with tempfile.TemporaryDirectory(prefix="inspector-photo-") as folder:
            path = Path(folder) / "photo.jpg"
            if not save_jpeg(image, path):
                self.show_message(_("The image could not be saved as a photo."))
                return False
            self.attach_files([path], role)
        return True

    def paste_photo(self) -> None:
        self.attach_image(QApplication.clipboard().image())

    def capture_photo(self) -> None:
        from inspector_app.ui.editor.camera_capture import CameraCaptureDialog

        dialog = CameraCaptureDialog(self._parent_widget())
        if dialog.exec() and not dialog.image.isNull():
            self.attach_image(dialog.image)

    def toggle_photo_role(self) -> None:
        photo = self.strip.current_photo()
        if photo is None or self.hazard_id is None or self.is_read_only():
            return
        new_role = "before" if photo.role == "after" else "after"
        self.undo_stack.push(SetPhotoRoleCommand(self.db, self.hazard_id, photo.id, photo.role, new_role,
                                                 self.actor, on_done=self._saved_change, on_error=self._failed))

    def save_overlay(self, attachment_id: str, overlay: dict[str, Any]) -> None:
        """Store new markup for a photo (one undo step); the photo file is never changed."""
        if self.hazard_id is None or self.is_read_only():
            return
        old = next((p.overlay for p in self.strip.photo_model.photos() if p.id == attachment_id), {})
        self.undo_stack.push(SetOverlayCommand(self.db, self.hazard_id, attachment_id, old, overlay, self.actor,
                                               on_done=self._saved_change, on_error=self._failed))

    def open_photo(self) -> None:
        photo = self.strip.current_photo()
        if photo is None:
            return
        dialog = self.markup_dialog(photo)
        try:
            dialog.exec()
        finally:
            self._markup = None

    def markup_dialog(self, photo: PhotoInfo) -> Any:
        """The full view of a photo, wired so each shape drawn is saved (and undo shows in it)."""
        from inspector_app.ui.editor.markup_dialog import MarkupDialog

        dialog = MarkupDialog(photo, read_only=self.is_read_only(), parent=self._parent_widget())
        dialog.overlayChanged.connect(lambda overlay: self.save_overlay(photo.id, overlay))
        self._markup = dialog
        return dialog

    def after_photo_count(self) -> int:
        return sum(1 for p in self.strip.photo_model.photos() if p.role == "after")
