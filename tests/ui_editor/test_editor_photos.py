"""Photos in the hazard editor: by file, drop and clipboard, before/after marking, markup kept as an
overlay (the stored photo never changes), all undoable; the photo list model passes qtmodeltester."""

from __future__ import annotations

import hashlib
import uuid

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage
from PySide6.QtWidgets import QApplication

from inspector_app.core import audit
from inspector_app.core.hazards import attachments_of
from inspector_app.ui.editor.markup_dialog import MarkupDialog
from inspector_app.ui.editor.photo_strip import PhotoListModel


def photos(db, hazard_id):
    with db.session() as session:
        return attachments_of(session, uuid.UUID(hazard_id))


def audit_ok(db) -> bool:
    with db.session() as session:
        return audit.verify(session).ok


def test_attach_by_file_undo_and_redo(editor, db, hazard_id, stack, jpeg_photo):
    editor.attach_files([jpeg_photo])
    first = photos(db, hazard_id)
    assert [(a.role, a.filename) for a in first] == [("before", "photo.jpg")]
    assert editor.strip.photo_model.rowCount() == 1
    stack.undo()
    assert photos(db, hazard_id) == []
    assert editor.strip.photo_model.rowCount() == 0
    stack.redo()
    again = photos(db, hazard_id)
    assert [a.id for a in again] == [first[0].id]  # the very same photo is back
    assert audit_ok(db)


def test_dropped_files_are_attached(editor, db, hazard_id, jpeg_photo, tmp_path):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a photo")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(jpeg_photo)), QUrl.fromLocalFile(str(text_file))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    editor.strip.dropEvent(event)
    assert [a.filename for a in photos(db, hazard_id)] == ["photo.jpg"]


def test_paste_from_the_clipboard_attaches_a_jpeg(editor, db, hazard_id, stack):
    image = QImage(80, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    QApplication.clipboard().setImage(image)
    editor.paste_photo()
    attached = photos(db, hazard_id)
    assert len(attached) == 1
    assert (attached[0].mime, attached[0].width, attached[0].height) == ("image/jpeg", 80, 60)
    assert db.store.find(attached[0].file_hash) is not None
    assert stack.count() == 1


def test_marking_a_photo_after_and_back(editor, db, hazard_id, stack, jpeg_photo):
    editor.attach_files([jpeg_photo])
    editor.strip.setCurrentIndex(editor.strip.photo_model.index(0))
    editor.toggle_photo_role()
    assert photos(db, hazard_id)[0].role == "after"
    assert editor.role_button.text() == "Mark as before"
    stack.undo()
    assert photos(db, hazard_id)[0].role == "before"
    assert audit_ok(db)


def test_markup_is_an_overlay_and_never_changes_the_photo(editor, db, hazard_id, stack, jpeg_photo, qtbot):
    editor.attach_files([jpeg_photo])
    attachment = photos(db, hazard_id)[0]
    stored = db.store.find(attachment.file_hash)
    before = hashlib.sha256(stored.read_bytes()).hexdigest()

    photo = editor.strip.photo_model.photo(0)
    dialog = editor.markup_dialog(photo)
    qtbot.addWidget(dialog)
    assert dialog.tool == "arrow"  # ready without a tap
    dialog.drag_finished(QPointF(1, 1), QPointF(40, 30))
    dialog.add_shape({"kind": "circle", "x1": 0.2, "y1": 0.2, "x2": 0.6, "y2": 0.7})
    dialog.add_shape({"kind": "text", "x": 0.1, "y": 0.8, "text": "插线板"})

    overlay = photos(db, hazard_id)[0].overlay
    assert [s["kind"] for s in overlay["shapes"]] == ["arrow", "circle", "text"]
    assert all(0 <= s.get("x1", s.get("x", 0)) <= 1 for s in overlay["shapes"])
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == before == attachment.file_hash
    stack.undo()  # the text goes, in the database and in the open dialog
    assert [s["kind"] for s in photos(db, hazard_id)[0].overlay["shapes"]] == ["arrow", "circle"]
    assert [s["kind"] for s in dialog.overlay["shapes"]] == ["arrow", "circle"]
    dialog.remove_last_shape()
    assert [s["kind"] for s in photos(db, hazard_id)[0].overlay["shapes"]] == ["arrow"]
    assert audit_ok(db)


def test_read_only_markup_dialog_has_no_tools(editor, jpeg_photo, qtbot):
    editor.attach_files([jpeg_photo])
    dialog = MarkupDialog(editor.strip.photo_model.photo(0), read_only=True, parent=editor)
    qtbot.addWidget(dialog)
    assert not any(button.isEnabled() for button in dialog.tool_buttons.values())


def test_camera_button_only_when_a_camera_is_found(editor):
    from PySide6.QtMultimedia import QMediaDevices

    assert editor.camera_button.isVisibleTo(editor) == bool(QMediaDevices.videoInputs())


def test_photo_model_passes_qtmodeltester(qtmodeltester, editor, jpeg_photo):
    editor.attach_files([jpeg_photo, jpeg_photo])
    model = editor.strip.photo_model
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    qtmodeltester.check(PhotoListModel())
