"""The row of a hazard's photos in the editor: thumbnails marked before/after, files dropped on it
are handed on to be attached. The list model is a thin adapter over what the core returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QImage,
    QImageReader,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from inspector_app.i18n import N_, _

THUMB = 96
ID_ROLE = Qt.ItemDataRole.UserRole + 1
PHOTO_ROLE_ROLE = Qt.ItemDataRole.UserRole + 2
# "unit": an after-photo the responsible unit sent through its link (core.unit_reports); it counts as the
# hazard's after-photo once the inspector toggles it to "after".
ROLE_LABELS = {"before": N_("Before"), "after": N_("After"), "unit": N_("From the unit")}
# As the status colours: open red, fixed green, awaiting re-inspection blue.
ROLE_COLOURS = {"before": "#d32f2f", "after": "#388e3c", "unit": "#1976d2"}
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".heic", ".heif", ".avif")
# What the photo choosers offer: a phone's HEIC (and AVIF) too, which core.photos reads and stores as JPEG.
PHOTO_FILTER = "*.jpg *.jpeg *.png *.heic *.heif *.avif *.webp *.bmp *.tif *.tiff"


@dataclass(frozen=True)
class PhotoInfo:
    """One attached photo as the editor shows it (taken from a core Attachment)."""

    id: str
    role: str
    filename: str
    path: Path | None  # the stored file; None if it is missing from the store
    width: int
    height: int
    overlay: dict[str, Any] = field(default_factory=dict)


def load_scaled(path: Path | None, edge: int) -> QImage:
    """The photo scaled to fit ``edge`` pixels, decoded at that size (cheap for 4096-px photos)."""
    if path is None:
        return QImage()
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > edge:
        reader.setScaledSize(size.scaled(edge, edge, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


def save_jpeg(image: QImage, path: Path) -> bool:
    """Write an in-memory image (clipboard, camera) as a JPEG file to be attached."""
    # The type stubs ask for bytes as the format, but PySide6 accepts only a str here.
    return image.save(str(path), "JPG", 92)  # type: ignore[call-overload]


class PhotoListModel(QAbstractListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._photos: list[PhotoInfo] = []
        self._thumbs: dict[tuple[str, str], QIcon] = {}

    def set_photos(self, photos: list[PhotoInfo]) -> None:
        self.beginResetModel()
        self._photos = list(photos)
        self.endResetModel()

    def photo(self, row: int) -> PhotoInfo:
        return self._photos[row]

    def photos(self) -> list[PhotoInfo]:
        return list(self._photos)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._photos)

    def _thumb(self, photo: PhotoInfo) -> QIcon:
        key = (photo.id, photo.role)
        if key not in self._thumbs:
            image = load_scaled(photo.path, THUMB)
            pixmap = QPixmap(THUMB, THUMB)
            pixmap.fill(QColor("#eeeeee"))
            painter = QPainter(pixmap)
            if not image.isNull():
                painter.drawImage((THUMB - image.width()) // 2, (THUMB - image.height()) // 2, image)
            # A coloured band at the bottom says before/after without reading the label.
            painter.fillRect(0, THUMB - 6, THUMB, 6, QColor(ROLE_COLOURS.get(photo.role, "#757575")))
            painter.end()
            icon = QIcon(pixmap)
            icon.addPixmap(pixmap, QIcon.Mode.Selected)  # no selection tint: the photo's colours are evidence
            self._thumbs[key] = icon
        return self._thumbs[key]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._photos):
            return None
        photo = self._photos[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            marked = " ✎" if photo.overlay.get("shapes") else ""
            return _(ROLE_LABELS.get(photo.role, photo.role)) + marked
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumb(photo)
        if role == Qt.ItemDataRole.ToolTipRole:
            return photo.filename
        if role == ID_ROLE:
            return photo.id
        if role == PHOTO_ROLE_ROLE:
            return photo.role
        return None


def image_paths(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls()
            if url.isLocalFile() and url.toLocalFile().lower().endswith(IMAGE_SUFFIXES)]


class PhotoStrip(QListView):
    """Thumbnails in a row; photo files dropped here come out as ``filesDropped``."""

    filesDropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photo_model = PhotoListModel(self)
        self.setModel(self.photo_model)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setGridSize(QSize(THUMB + 16, THUMB + 30))
        self.setFixedHeight(THUMB + 44)  # one row of thumbnails and a scroll bar, nothing more
        self.setMovement(QListView.Movement.Static)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.viewport().setAcceptDrops(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if image_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if image_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = image_paths(event)
        if paths:
            event.acceptProposedAction()
            self.filesDropped.emit(paths)
        else:
            event.ignore()

    def current_photo(self) -> PhotoInfo | None:
        index = self.currentIndex()
        return self.photo_model.photo(index.row()) if index.isValid() else None
