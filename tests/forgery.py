"""What a hostile token holder sends: a hazard's history with one more event, hashed exactly as the
program hashes it (so the chain holds together and only the server's rules can refuse it), and the
clocks rows carry; signed, where a test needs the signature to be the laptop's own or someone else's."""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from typing import Any

from inspector_app.core.audit_chain import chain_hash
from inspector_app.core.signatures import LaptopKey


def clock(wall_ms: int) -> str:
    return f"{wall_ms:013d}.00000.{uuid.uuid4().hex}"


def now_clock() -> str:
    return clock(int(dt.datetime.now(dt.UTC).timestamp() * 1000))


def with_event(item: dict[str, Any], kind: str, changes: dict[str, list[Any]], note: str = "",
               at: dt.datetime | None = None, actor: str = "李伟", key: LaptopKey | None = None,
               origin: str | None = None, **row: Any) -> dict[str, Any]:
    """The pulled hazard item with one more event and its row to match; signed with ``key`` if given,
    and naming ``origin`` as the laptop it was written on if given."""
    forged = copy.deepcopy(item)
    last = forged["events"][-1]
    at = at or dt.datetime.now(dt.UTC)
    event = {"id": str(uuid.uuid4()), "hazard_id": forged["row"]["id"], "seq": last["seq"] + 1, "kind": kind,
             "actor": actor, "at": at.replace(tzinfo=None).isoformat(timespec="microseconds"),
             "data": {"changes": changes, **({"origin": origin} if origin else {})}, "note": note,
             "prev_hash": last["hash"]}
    event["hash"] = chain_hash(last["hash"], uuid.UUID(forged["row"]["id"]), event["seq"], kind, actor, at,
                               event["data"], note)
    if key is not None:
        event.update(signer=key.id, signature=key.sign(event["hash"]))
    forged["events"].append(event)
    forged["row"].update({name: new for name, (_old, new) in changes.items()}, **row)
    forged["base"] = [last["seq"], last["hash"]]
    return forged
