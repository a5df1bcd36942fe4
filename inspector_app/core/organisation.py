"""Use cases for an organisation's own settings, kept in the ledger (not in one user's settings file):
the public base URL its QR codes carry, its notice number prefix, its name and its language.

An organisation without a value inherits it from its parents (a school prints its county's URL):
``effective_settings`` walks up and takes the first non-empty value per field; printing uses that.
``unreachable_from_phones`` says when a base URL cannot work on a phone (unset, loopback, link-local).
``migrate_user_settings`` copies a user's old per-user values into the ledger once. No Qt here.
"""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core.errors import InspectorError, NotFoundError
from inspector_app.core.models import Hazard, Organisation, Site
from inspector_app.core.settings_authority import settings_refusal
from inspector_app.i18n import DEFAULT_LANGUAGE, _

ORG_LANGUAGES = ("zh_CN", "en")
# What the QR codes carry when no organisation of the chain has an address: the local status server
# (`inspector-app serve`) on this laptop. Phones cannot reach it, so printing with it warns.
FALLBACK_BASE_URL = "http://127.0.0.1:8470"
SETTABLE_FIELDS = ("public_base_url", "notice_prefix", "name", "language")


@dataclass(frozen=True)
class EffectiveSettings:
    """The values an organisation prints with, and the organisation each came from (None: nobody)."""

    public_base_url: str
    notice_prefix: str
    name: str
    language: str
    sources: dict[str, uuid.UUID | None]

    @property
    def base_url_for_print(self) -> str:
        return self.public_base_url or FALLBACK_BASE_URL

    def as_json(self) -> dict[str, str]:
        return {"public_base_url": self.public_base_url, "notice_prefix": self.notice_prefix, "name": self.name,
                "language": self.language}


# --- validation -------------------------------------------------------------------------------------


def normalise_base_url(value: str) -> str:
    """An http(s) URL with a host and no query or fragment, without its trailing slash; "" stays ""
    (the organisation then inherits its parent's). InspectorError names a bad value."""
    value = value.strip()
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        valid = parts.port is None or parts.port > 0  # .port raises ValueError for a bad port
    except ValueError:
        valid = False
    if not valid or parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in value:
        raise InspectorError(_("'{value}' is not a public address: it must look like http://192.168.1.20:8470 "
                               "or https://host/path.").format(value=value))
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        raise InspectorError(_("'{value}' must not have a query (?…) or a fragment (#…).").format(value=value))
    return value.rstrip("/")


def normalise_org_language(value: str) -> str:
    value = value.strip()
    if value and value not in ORG_LANGUAGES:
        raise InspectorError(_("Unknown language '{value}'. Use zh_CN or en.").format(value=value))
    return value


def unreachable_from_phones(base_url: str) -> bool:
    """True when a phone cannot open the address: empty, loopback, 0.0.0.0 or link-local."""
    try:
        host = (urlsplit(base_url.strip()).hostname or "").lower()
    except ValueError:
        return True
    if not host or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: the phone's resolver decides
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified or address.is_link_local


# --- which organisation -----------------------------------------------------------------------------


def top_level_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).where(Organisation.parent_id.is_(None))
                                .order_by(Organisation.created_at, Organisation.name)))


def get_organisation(session: Session, organisation_id: str | uuid.UUID) -> Organisation:
    try:
        oid = organisation_id if isinstance(organisation_id, uuid.UUID) else uuid.UUID(str(organisation_id).strip())
    except ValueError:
        raise NotFoundError(_("'{value}' is not a valid organisation id.").format(value=organisation_id)) from None
    org = session.get(Organisation, oid)
    if org is None:
        raise NotFoundError(_("No organisation with the id {id}.").format(id=oid))
    return org


def choose_organisation(session: Session, organisation_id: str | uuid.UUID | None = None) -> Organisation:
    """The organisation named by id, else the ledger's only top-level one; a clear error otherwise."""
    if organisation_id:
        return get_organisation(session, organisation_id)
    tops = top_level_organisations(session)
    if not tops:
        raise InspectorError(_("This ledger has no organisation yet."))
    if len(tops) > 1:
        listed = ", ".join(f"{o.name} ({o.id})" for o in tops)
        raise InspectorError(_("This ledger has several top-level organisations; choose one with --organisation ID: "
                               "{organisations}.").format(organisations=listed))
    return tops[0]


def chain_of(session: Session, org: Organisation) -> list[Organisation]:
    """The organisation and its parents, nearest first (a loop in bad data stops the walk)."""
    chain, seen = [org], {org.id}
    while chain[-1].parent_id is not None and chain[-1].parent_id not in seen:
        parent = session.get(Organisation, chain[-1].parent_id)
        if parent is None:
            break
        chain.append(parent)
        seen.add(parent.id)
    return chain


# --- reading and changing ---------------------------------------------------------------------------


def effective_settings(session: Session, org: Organisation) -> EffectiveSettings:
    chain = chain_of(session, org)
    values: dict[str, str] = {}
    sources: dict[str, uuid.UUID | None] = {}
    for field in SETTABLE_FIELDS:
        source = next((o for o in chain if getattr(o, field)), None)
        values[field] = getattr(source, field) if source is not None else ""
        sources[field] = source.id if source is not None else None
    return EffectiveSettings(sources=sources, **values)


def settings_for_site(session: Session, site_id: uuid.UUID) -> EffectiveSettings:
    site = session.get(Site, site_id)
    if site is None:
        raise NotFoundError(_("No site with the id {id}.").format(id=site_id))
    return effective_settings(session, get_organisation(session, site.organisation_id))


def document_language(session: Session, site_id: uuid.UUID) -> str:
    """The language a site's documents speak (its notices, its ledger, the texts taken from forms/ for
    them): its organisation's, inherited from the parents, else Chinese, the program's first language.
    Never the language of the screen that recorded a hazard: one notice speaks one language."""
    return settings_for_site(session, site_id).language or DEFAULT_LANGUAGE


@dataclass(frozen=True)
class PrintSettings:
    """What one print run of some hazards uses, and the organisation where its address is kept."""

    settings: EffectiveSettings
    organisation_id: uuid.UUID  # where to save an address: the one that gave it, else the top of the chain

    @property
    def base_url(self) -> str:
        return self.settings.base_url_for_print

    @property
    def unreachable(self) -> bool:
        return unreachable_from_phones(self.settings.public_base_url)


def settings_for_hazards(session: Session, hazard_ids: Iterable[uuid.UUID]) -> PrintSettings:
    """The effective settings of the hazards' organisations; hazards whose organisations print with
    different addresses cannot share one print run (their QR codes would point at the wrong server)."""
    site_ids = list(dict.fromkeys(session.scalars(select(Hazard.site_id).where(Hazard.id.in_(list(hazard_ids))))))
    if not site_ids:
        raise InspectorError(_("Name at least one hazard."))
    found = [settings_for_site(session, site_id) for site_id in site_ids]
    urls = sorted({s.public_base_url for s in found})
    if len(urls) > 1:
        raise InspectorError(_("These hazards belong to organisations with different public addresses ({urls}); "
                               "print them separately.").format(urls=", ".join(u or "—" for u in urls)))
    first = found[0]
    source = first.sources["public_base_url"]
    if source is None:
        site = session.get(Site, site_ids[0])
        assert site is not None
        source = chain_of(session, get_organisation(session, site.organisation_id))[-1].id
    return PrintSettings(first, source)


def set_organisation(session: Session, org: Organisation, *, public_base_url: str | None = None,
                     notice_prefix: str | None = None, name: str | None = None,
                     language: str | None = None) -> dict[str, list[str]]:
    """Change the given fields (None: leave as is; "" clears, the parent's value then applies).
    Everything is checked before anything changes; returns {field: [old, new]} of real changes."""
    wanted: dict[str, str] = {}
    if public_base_url is not None:
        wanted["public_base_url"] = normalise_base_url(public_base_url)
    if notice_prefix is not None:
        prefix = notice_prefix.strip()
        if len(prefix) > 40:
            raise InspectorError(_("The notice prefix '{value}' is longer than 40 characters.").format(value=prefix))
        wanted["notice_prefix"] = prefix
    if name is not None:
        if not name.strip():
            raise InspectorError(_("An organisation needs a name."))
        if len(name.strip()) > 200:
            raise InspectorError(_("The name '{value}' is longer than 200 characters.").format(value=name.strip()))
        wanted["name"] = name.strip()
    if language is not None:
        wanted["language"] = normalise_org_language(language)
    if not wanted:
        raise InspectorError(_("Nothing to change: give --public-base-url, --notice-prefix, --name or --language."))
    changes = {field: [getattr(org, field), value] for field, value in wanted.items() if getattr(org, field) != value}
    if changes and (refusal := settings_refusal(session, org)):
        raise InspectorError(refusal)
    for field, (_old, value) in changes.items():
        setattr(org, field, value)
    session.flush()
    return changes


def organisation_json(session: Session, org: Organisation) -> dict[str, object]:
    from inspector_app.core.supervision import rules_for_organisation

    effective = effective_settings(session, org)
    parent = session.get(Organisation, org.parent_id) if org.parent_id else None
    return {
        "id": str(org.id), "name": org.name, "kind": org.kind,
        "parent": {"id": str(parent.id), "name": parent.name} if parent else None,
        "public_base_url": org.public_base_url, "notice_prefix": org.notice_prefix, "language": org.language,
        "supervision": dict(org.supervision or {}),
        "effective": {**effective.as_json(),
                      "reachable_from_phones": not unreachable_from_phones(effective.public_base_url),
                      "supervision": rules_for_organisation(session, org).as_json()},
    }


# --- the one-time move of per-user values into the ledger -------------------------------------------


def migrate_user_settings(session: Session, public_base_url: str, notice_prefix: str) -> list[uuid.UUID] | None:
    """Copy a user's former per-user base URL and notice prefix into the ledger's top-level
    organisations where those fields are empty. Returns the organisations changed, or None when the
    ledger has no organisation yet (then nothing is done and the migration should be tried again)."""
    tops = top_level_organisations(session)
    if not tops:
        return None
    try:
        url = normalise_base_url(public_base_url)
    except InspectorError:
        url = ""  # an old, hand-edited value that is no address: not worth copying
    prefix = notice_prefix.strip()[:40]
    changed = []
    for org in tops:
        touched = False
        if url and not org.public_base_url:
            org.public_base_url, touched = url, True
        if prefix and not org.notice_prefix:
            org.notice_prefix, touched = prefix, True
        if touched:
            changed.append(org.id)
    session.flush()
    return changed
