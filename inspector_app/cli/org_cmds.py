"""`inspector-app org show | set`: the organisation's own settings, kept in the ledger (public base URL
of its QR codes, notice number prefix, name, language), shown with the values it prints with.

Without `--organisation ID` the ledger's only top-level organisation is meant.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.i18n import _

# core.organisation.ORG_LANGUAGES, written out so that registering the command loads no database code
# (tests/unit/test_cli_startup.py keeps the two equal).
ORG_LANGUAGES = ("zh_CN", "en")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("org", help=_("the organisation's settings: QR address, notice prefix, language"))
    sub = parser.add_subparsers(dest="org_command", required=True)

    show = sub.add_parser("show", help=_("the organisation's settings and the values it prints with"))
    _organisation_argument(show)
    show.set_defaults(handler=run_show)

    change = sub.add_parser("set", help=_("change the organisation's settings (an empty value inherits the parent's)"))
    _organisation_argument(change)
    change.add_argument("--public-base-url", metavar="URL",
                        help=_("the address QR codes carry, e.g. http://192.168.1.20:8470"))
    change.add_argument("--notice-prefix", metavar="P", help=_("the prefix of notice numbers, e.g. 吕教安"))
    change.add_argument("--name", metavar="N", help=_("the organisation's name"))
    change.add_argument("--language", metavar="|".join(ORG_LANGUAGES),
                        help=_("the language of its documents: zh_CN or en (empty: inherit)"))
    # Supervision (督办) rules, over forms/supervision.yaml's defaults; "inherit" drops the organisation's own.
    change.add_argument("--remind-days", metavar="N|inherit", help=_("remind this many days before a deadline"))
    change.add_argument("--supervise-after", metavar="N|inherit",
                        help=_("supervision (督办) when overdue by this many days"))
    change.add_argument("--list-after", metavar="N|inherit",
                        help=_("listed supervision (挂牌督办) when overdue by this many days"))
    change.add_argument("--major-listed", metavar="yes|no|inherit",
                        help=_("list a major hazard at once when it is unfixed at its deadline"))
    change.add_argument("--public-supervision", metavar="yes|no|inherit",
                        help=_("show the supervision level on the public status page"))
    change.set_defaults(handler=run_set)


def _organisation_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--organisation", metavar="ID",
                        help=_("the organisation's id (default: the ledger's only top-level organisation)"))


def run_show(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.organisation import choose_organisation, organisation_json

    with context.db.session() as session:
        data = organisation_json(session, choose_organisation(session, args.organisation))
    print_json(data)
    return 0


def run_set(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.organisation import (
        choose_organisation,
        organisation_json,
        set_organisation,
        unreachable_from_phones,
    )
    from inspector_app.core.supervision import set_rules

    rules = _rule_values(args)
    with context.db.session() as session:
        org = choose_organisation(session, args.organisation)
        if not rules or any(getattr(args, name) is not None for name in BASE_OPTIONS):
            set_organisation(session, org, public_base_url=args.public_base_url, notice_prefix=args.notice_prefix,
                             name=args.name, language=args.language)
        if rules:
            set_rules(session, org, rules)
        data = organisation_json(session, org)
    print_json(data)
    if args.public_base_url and unreachable_from_phones(org.public_base_url):
        print(_("warning: phones cannot reach {url}; QR codes printed with it only work on this computer.").format(
            url=org.public_base_url), file=sys.stderr)
    return 0


BASE_OPTIONS = ("public_base_url", "notice_prefix", "name", "language")
RULE_OPTIONS = {"remind_days": "remind_days_before", "supervise_after": "supervise_after_days",
                "list_after": "list_after_days", "major_listed": "major_listed_at_deadline",
                "public_supervision": "show_on_status_page"}


def _rule_values(args: argparse.Namespace) -> dict[str, Any]:
    """The rules given, typed: a number of days or yes/no; None for "inherit" (the parent's value again)."""
    from inspector_app.core.errors import InspectorError

    values: dict[str, Any] = {}
    for option, key in RULE_OPTIONS.items():
        given = getattr(args, option)
        if given is None:
            continue
        text = given.strip().lower()
        flag = "--" + option.replace("_", "-")
        if text == "inherit":
            values[key] = None
        elif key in ("major_listed_at_deadline", "show_on_status_page"):
            if text not in ("yes", "no"):
                raise InspectorError(_("{option} takes yes, no or inherit; got '{value}'.").format(
                    option=flag, value=given))
            values[key] = text == "yes"
        elif text.isdigit():
            values[key] = int(text)
        else:
            raise InspectorError(_("{option} takes a number of days or inherit; got '{value}'.").format(
                option=flag, value=given))
    return values
