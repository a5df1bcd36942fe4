"""Bundles: a ledger (or one site of it) in one integrity-checked file, for when there is no server.

A bundle is a ZIP: ``manifest.json`` (format, version, who wrote it, the SHA-256 and size of every
other member), ``data.json`` (the same rows and hazard histories a pull hands out) and ``files/``
(plans and photos by content hash). Importing merges by the sync rules (core.sync.laptop), in one
transaction: a damaged or foreign bundle is refused with its reason before anything is written,
and importing the same bundle twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from inspector_app.core import signatures
from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import (
    Attachment,
    Base,
    Building,
    ChangeLog,
    ChecklistAnswer,
    ChecklistRun,
    Floor,
    Hazard,
    Inspection,
    Notice,
    Organisation,
    PlanDocument,
    Review,
    Site,
    notice_hazards,
    review_hazards,
)
from inspector_app.core.store import sha256_bytes
from inspector_app.core.sync import laptop
from inspector_app.core.sync.chains import chain_of, hazard_payload
from inspector_app.core.sync.entities import ENTITY_OF, file_of, row_item
from inspector_app.core.sync.server import sort_items
from inspector_app.i18n import _

FORMAT = "fire-risk-inspector-bundle"
VERSION = 1
MAX_MEMBER_BYTES = 2 * 1024 ** 3  # refuse a member that claims more (a ZIP bomb) before reading it


@dataclass
class ImportReport:
    items: int
    changes: int
    conflicts: int
    files: int
    renumbered: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"items": self.items, "changes": self.changes, "conflicts": self.conflicts, "files": self.files,
                "renumbered": self.renumbered}


def _rows(session: Session, model: type[Base], *where: Any) -> list[Any]:
    return list(session.scalars(select(model).where(*where)))


def _collect(session: Session, site_id: uuid.UUID | None) -> list[Any]:
    """Every row of the ledger, or of one site together with the organisations above it."""
    if site_id is None:
        return [obj for model in (Organisation, Site, Building, Floor, PlanDocument, Inspection, Hazard, Attachment,
                                  Notice, ChecklistRun, ChecklistAnswer, Review) for obj in _rows(session, model)]
    site = session.get(Site, site_id)
    if site is None:
        raise InspectorError(_("No site with the id {id}.").format(id=site_id))
    organisations: list[Organisation] = []
    current = session.get(Organisation, site.organisation_id)
    while current is not None and current not in organisations:
        organisations.append(current)
        current = session.get(Organisation, current.parent_id) if current.parent_id else None
    buildings = _rows(session, Building, Building.site_id == site.id)
    floors = _rows(session, Floor, Floor.building_id.in_([b.id for b in buildings]))
    hazards = _rows(session, Hazard, Hazard.site_id == site.id)
    hazard_ids = [h.id for h in hazards]
    inspections = _rows(session, Inspection, Inspection.site_id == site.id)
    runs = _rows(session, ChecklistRun, ChecklistRun.inspection_id.in_([i.id for i in inspections]))
    notice_ids = select(notice_hazards.c.notice_id).where(notice_hazards.c.hazard_id.in_(hazard_ids))
    review_ids = select(review_hazards.c.review_id).where(review_hazards.c.hazard_id.in_(hazard_ids))
    return [*organisations, site, *buildings, *floors,
            *_rows(session, PlanDocument, PlanDocument.floor_id.in_([f.id for f in floors])), *inspections,
            *hazards, *_rows(session, Attachment, Attachment.hazard_id.in_(hazard_ids)),
            *_rows(session, Notice, Notice.id.in_(notice_ids)), *runs,
            *_rows(session, ChecklistAnswer, or_(ChecklistAnswer.run_id.in_([r.id for r in runs]),
                                                 ChecklistAnswer.hazard_id.in_(hazard_ids))),
            *_rows(session, Review, Review.id.in_(review_ids))]


def export_bundle(database: Database, out: Path, site_id: uuid.UUID | None = None) -> dict[str, Any]:
    with database.session() as session:
        items: list[dict[str, Any]] = []
        files: set[str] = set()
        for obj in _collect(session, site_id):
            entity = ENTITY_OF[type(obj)]
            if entity == "hazard":
                items.append({"entity": "hazard", **hazard_payload(session, obj, chain_of(session, obj.id))})
                continue
            item = row_item(session, entity, obj)
            if digest := file_of(item):
                files.add(digest)
            items.append(item)
        replica_id = str(laptop.replica(session).id)
        # The keys behind the histories' signatures, so the ledger that imports them can check them.
        keys = signatures.keys_payload(session, (e.get("signer") for i in items for e in i.get("events") or ()))
    data = json.dumps({"items": sort_items(items), "keys": keys}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    members: dict[str, dict[str, Any]] = {"data.json": {"sha256": sha256_bytes(data), "size": len(data)}}
    sources: dict[str, Path] = {}
    for digest in sorted(files):
        path = database.store.find(digest)
        if path is None:
            raise InspectorError(_("The file {hash} is missing from this ledger's store; the bundle was not "
                                   "written.").format(hash=digest[:12]))
        name = f"files/{path.name}"
        members[name] = {"sha256": digest, "size": path.stat().st_size}
        sources[name] = path
    manifest = {"format": FORMAT, "version": VERSION, "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "replica": replica_id, "site": str(site_id) if site_id else None, "members": members}
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".bundle-", suffix=".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w") as archive:
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1),
                             zipfile.ZIP_DEFLATED)
            archive.writestr("data.json", data, zipfile.ZIP_DEFLATED)
            for name, path in sources.items():
                archive.write(path, name, zipfile.ZIP_STORED)  # photos and PDFs are compressed already
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return {"out": str(out), "items": len(items), "files": len(sources), "bytes": out.stat().st_size}


def _refuse(path: Path, problem: str) -> InspectorError:
    return InspectorError(_("{file} is not a usable bundle: {problem}. Nothing was imported.").format(
        file=path.name, problem=problem))


def _read_checked(archive: zipfile.ZipFile, path: Path, name: str, expected: dict[str, Any]) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise _refuse(path, _("{member} is missing").format(member=name)) from exc
    if info.file_size != expected.get("size") or info.file_size > MAX_MEMBER_BYTES:
        raise _refuse(path, _("{member} has the wrong size").format(member=name))
    data = archive.read(name)
    if sha256_bytes(data) != expected.get("sha256"):
        raise _refuse(path, _("{member} is damaged (its content does not match its hash)").format(member=name))
    return data


def import_bundle(database: Database, path: Path, actor: str) -> ImportReport:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise _refuse(path, _("it is not a bundle file ({problem})").format(problem=exc)) from exc
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except (KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise _refuse(path, _("it has no readable manifest")) from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _refuse(path, _("it was not written by Fire-Risk Inspector"))
        if not isinstance(manifest.get("version"), int) or manifest["version"] > VERSION:
            raise _refuse(path, _("it was written by a newer version of the program; update first"))
        members = manifest.get("members")
        if not isinstance(members, dict) or "data.json" not in members:
            raise _refuse(path, _("its manifest lists no data"))
        raw = _read_checked(archive, path, "data.json", members["data.json"])
        try:
            content_json = json.loads(raw)
            items, keys = content_json["items"], content_json.get("keys") or []
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise TypeError("items")
            if not isinstance(keys, list):
                raise TypeError("keys")
        except (ValueError, KeyError, TypeError) as exc:
            raise _refuse(path, _("its data cannot be read")) from exc
        received = 0
        for name, expected in members.items():
            if not name.startswith("files/"):
                continue
            digest = str(expected.get("sha256", ""))
            content = _read_checked(archive, path, name, expected)
            if database.store.find(digest) is None:
                partial = database.store.partial_path(digest, "bundle")
                partial.write_bytes(content)
                database.store.adopt(partial, digest, Path(name).name[len(digest):])
                received += 1
    with database.session() as session:
        before = session.scalar(select(func.max(ChangeLog.cursor))) or 0
        key_problems = signatures.remember_keys(session, keys)
        if key_problems:
            raise _refuse(path, "; ".join(key_problems[:3]))
        merged = laptop.apply_page(session, items, actor, from_server=False)
        if merged.problems:  # leaving the block with an error rolls every row back
            raise _refuse(path, "; ".join(merged.problems[:3]))
        session.flush()
        changes = session.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.cursor > before)) or 0
    return ImportReport(len(items), int(changes), merged.conflicts, received, merged.renumbered)
