"""`inspector-app plan info | render | import | nudge`: read any plan file, render a page, attach a
plan (a new version) to a floor, and shift a floor's pins when a revised drawing is offset.

Plan files come from strangers: info, render and import read them through ``plans.sandbox`` (a child
process with a time and memory budget), so no file can hang or exhaust the command."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import floor_from_args, print_json
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _

if TYPE_CHECKING:
    from inspector_app.plans import PlanError

# The plan readers (Pillow, PDFium, ezdxf) are imported inside the handlers: registering these commands
# must cost the other commands nothing.

MAX_RENDER_WIDTH = 20_000


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("plan", help=_("floor plans: inspect, render, attach"))
    sub = parser.add_subparsers(dest="plan_command", required=True)

    info = sub.add_parser("info", help=_("describe a plan file (format, pages, sizes, layers)"))
    info.add_argument("file", type=Path)
    info.set_defaults(handler=run_info)

    render = sub.add_parser("render", help=_("render a page of a plan to PNG"))
    render.add_argument("file", type=Path)
    render.add_argument("--page", type=int, default=1, help=_("page number, from 1"))
    render.add_argument("--width", type=int, required=True, help=_("width of the image in pixels"))
    render.add_argument("--out", type=Path, required=True)
    render.set_defaults(handler=run_render)

    attach = sub.add_parser("import", help=_("attach a plan file to a floor (as its newest version)"))
    attach.add_argument("file", type=Path)
    attach.add_argument("--floor", help=_("the floor's id"))
    attach.add_argument("--site", help=_("the site's name or code (with --building and --floor-name)"))
    attach.add_argument("--building", help=_("the building's name"))
    attach.add_argument("--floor-name", help=_("the floor's name"))
    attach.add_argument("--page", type=int, default=1, help=_("the page that shows this floor, from 1"))
    attach.set_defaults(handler=run_import)

    nudge = sub.add_parser("nudge", help=_("shift every open pin of a floor (a revised drawing is offset)"))
    nudge.add_argument("--floor", required=True, help=_("the floor's id"))
    nudge.add_argument("--dx", type=float, default=0.0, help=_("fraction of the page width, e.g. 0.01"))
    nudge.add_argument("--dy", type=float, default=0.0, help=_("fraction of the page height"))
    nudge.set_defaults(handler=run_nudge)


def describe(path: Path) -> dict[str, Any]:
    """What `plan info` prints; the file is read in a child process within its time and memory budget."""
    from inspector_app.plans import sandbox

    facts = sandbox.describe(path).value
    return {
        "file": str(path),
        "format": facts["format"],
        "pages": [{"page": i + 1, **page.to_dict()} for i, page in enumerate(facts["pages"])],
        "layers": [{"name": layer.name, "visible": layer.visible, "entities": layer.entity_count}
                   for layer in facts["layers"]],
        "warnings": list(facts["warnings"]),
    }


def _as_inspector_error(exc: PlanError) -> InspectorError:
    return InspectorError(str(exc))


def run_info(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app import plans

    try:
        print_json(describe(args.file))
    except plans.PlanError as exc:
        raise _as_inspector_error(exc) from exc
    return 0


def run_render(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app import plans

    if not 0 < args.width <= MAX_RENDER_WIDTH:
        raise InspectorError(_("--width must be between 1 and {max} pixels.").format(max=MAX_RENDER_WIDTH))
    try:
        from inspector_app.plans import sandbox

        image = sandbox.render_page(args.file, args.page - 1, args.width).value
    except plans.PlanError as exc:
        raise _as_inspector_error(exc) from exc
    try:
        image.save(args.out, format="PNG")
    except OSError as exc:
        raise InspectorError(_("Cannot write {path}: {problem}").format(path=args.out, problem=exc)) from exc
    print_json({"out": str(args.out), "width": image.width, "height": image.height})
    return 0


def run_import(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app import plans
    from inspector_app.core.plans_store import PageFacts, add_plan_version
    from inspector_app.plans import sandbox

    try:
        described = sandbox.describe(args.file).value
        pages = described["pages"]
        if not 0 < args.page <= len(pages):
            raise plans.PlanError(args.file, _("page {page} does not exist (the plan has {count})").format(
                page=args.page, count=len(pages)))
        page = pages[args.page - 1]
        facts = PageFacts(described["format"], len(pages), float(page.width_px), float(page.height_px), "px")
    except plans.PlanError as exc:
        raise _as_inspector_error(exc) from exc
    db = context.db
    with db.session() as session:
        floor = floor_from_args(session, args)
        plan = add_plan_version(session, db.store, floor, args.file, facts, page=args.page - 1)
        result = {"plan_id": str(plan.id), "floor_id": str(floor.id), "version": plan.version,
                  "format": plan.format, "page": plan.page + 1, "pages": plan.page_count,
                  "width_px": plan.width, "height_px": plan.height, "file_hash": plan.file_hash}
    print_json(result)  # after the commit
    return 0


def run_nudge(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.plans_store import nudge_pins
    from inspector_app.core.structure import get_floor

    if not (-1 < args.dx < 1 and -1 < args.dy < 1):
        raise InspectorError(_("--dx and --dy are fractions of the page, between -1 and 1."))
    with context.db.session() as session:
        floor = get_floor(session, args.floor)
        moved = nudge_pins(session, floor.id, args.dx, args.dy, context.actor)
    print_json({"floor_id": args.floor, "moved": moved})
    return 0
