"""`inspector-app forms check [DIR]` and `forms categories`: validate and list inspection forms. A folder
that holds no forms file, or YAML files that are not read, fails the check (naming them) rather than
pass having checked nothing."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("forms", help=_(
        "inspection forms (hazard taxonomy, checklists, major-hazard rules)"))
    sub = parser.add_subparsers(dest="forms_command", required=True)
    check = sub.add_parser("check", help=_("validate the built-in forms, or a forms folder"))
    check.add_argument("dir", nargs="?", type=Path, help=_("a forms folder to check with the built-in ones"))
    check.set_defaults(handler=run_check)
    cats = sub.add_parser("categories", help=_("list the hazard categories"))
    cats.set_defaults(handler=run_categories)


def run_check(context: AppContext, args: argparse.Namespace) -> int:
    # Here, not at the top: registering a command must stay cheap.
    from inspector_app.core.forms import load_catalogue
    from inspector_app.core.forms_files import files_of_folder

    extra = [*context.forms_dirs, *([args.dir] if args.dir else [])]
    # A folder that holds no forms file, or YAML files the program never reads, was checked as "ok":
    # nothing in it had been checked. Each is named, and the check fails.
    for folder in (Path(f) for f in extra):
        if not folder.is_dir():
            continue  # load_catalogue names it: "no such forms folder"
        read, unread = files_of_folder(folder)
        not_read = ("\n  " + "\n  ".join(str(p) for p in unread)) if unread else ""
        if not read:
            raise InspectorError(_("{folder} holds no forms file this program reads, so nothing was checked: a "
                                   "forms folder has taxonomy.yaml, checklists/*.yaml and/or "
                                   "major_hazards/*.yaml.").format(
                folder=folder) + not_read)
        if unread:
            raise InspectorError(_("{folder} holds YAML files this program does not read (a taxonomy is "
                                   "taxonomy.yaml, a checklist is checklists/NAME.yaml, major-hazard rules are "
                                   "major_hazards/NAME.yaml):").format(folder=folder)
                                 + not_read)
    catalogue = load_catalogue(extra, use_cache=False)
    print_json({
        "ok": True,
        "files": [str(p) for p in catalogue.sources],
        "categories": len(catalogue.categories),
        "checklists": sorted(catalogue.checklists),
        "major_rules": len(catalogue.major_rules),
        "rule_files": {name: f.edition for name, f in catalogue.rule_files.items()},
    })
    return 0


def run_categories(context: AppContext, args: argparse.Namespace) -> int:
    print_json([
        {"code": c.code, "group": c.group, "name": c.name.get(), "default_severity": c.default_severity,
         "deadline_days": c.deadline_days, "fixable_on_spot": c.fixable_on_spot}
        for c in context.catalogue.categories.values()
    ])
    return 0
