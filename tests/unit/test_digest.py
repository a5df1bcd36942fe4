"""The daily digest's content (issue 25) under a fixed clock: an organisation's own hazards and its
schools', what escalated since yesterday (derived for both days), its language, the message shapes of
each service, and long digests split under a service's limit; signatures as the services compute them."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest

from inspector_app.core import dates, structure
from inspector_app.core.digest import build_digest, markdown_lines, plain_text, split_parts
from inspector_app.core.hazards import add_hazard
from inspector_app.web.digest.senders import Target, dingtalk_url, json_signature, messages

BEIJING = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 6, 10)


@pytest.fixture
def bureau(db, catalogue):
    with dates.fixed_clock(dt.datetime(2026, 5, 1, 9, tzinfo=BEIJING), BEIJING), db.session() as session:
        bureau = structure.create_organisation(session, "吕梁市教育局", kind="county")
        school = structure.create_organisation(session, "第一中学", parent=bureau)
        other = structure.create_organisation(session, "Elsewhere bureau", kind="county")
        for org, code in ((school, "LL1"), (other, "XX1")):
            site = structure.create_site(session, org, f"School {code}", code=code)
            floor = structure.create_floor(session, structure.create_building(session, site, "B", "dormitory"), "1F",
                                           1)
            for days, severity in ((-30, "general"), (-1, "general"), (-1, "major"), (2, "general"), (20, "general")):
                add_hazard(session, catalogue, db.store, actor="wang", category="electrical.aging_wiring",
                           floor_id=floor.id, x=0.5, y=0.5, severity=severity, description=f"late {-days}",
                           deadline=TODAY + dt.timedelta(days=days))
        return bureau.id


def test_the_digest_of_a_bureau_covers_its_schools_and_what_escalated(db, bureau):
    with dates.fixed_clock(dt.datetime(2026, 6, 10, 8, tzinfo=BEIJING), BEIJING), db.session() as session:
        digest = build_digest(session, bureau, TODAY)
    assert digest.language == "zh_CN"  # the organisation chose none: Chinese, the program's first
    assert digest.counts == {"escalated": 3, "overdue": 3, "due": 1, "reinspection": 0, "listed": 2}
    numbers = {key: [line.number for line in lines] for key, lines in digest.sections.items()}
    assert numbers["overdue"] == ["LL1-0001", "LL1-0002", "LL1-0003"]  # not the other bureau's XX1
    # Yesterday LL1-0002 and -0003 were due (reminder); today one is supervised, the major one listed.
    # LL1-0001 went from supervised to listed today (overdue by 30 days).
    assert numbers["escalated"] == ["LL1-0001", "LL1-0002", "LL1-0003"]
    markdown = "\n".join(markdown_lines(digest))
    assert markdown.startswith("### 吕梁市教育局火灾隐患日报") and "挂牌督办" in markdown and "较昨日升级" in markdown
    assert "**" not in plain_text(digest) and "LL1-0003" in plain_text(digest)


def test_each_service_gets_its_shape_and_a_long_digest_is_split(db, bureau):
    with dates.fixed_clock(dt.datetime(2026, 6, 10, 8, tzinfo=BEIJING), BEIJING), db.session() as session:
        digest = build_digest(session, bureau, TODAY)
    [wecom] = messages(Target("wecom", "http://x"), digest)
    assert wecom["msgtype"] == "markdown" and "LL1-0001" in wecom["markdown"]["content"]
    [ding] = messages(Target("dingtalk", "http://x"), digest)
    assert ding["markdown"]["title"].startswith("吕梁市教育局") and "LL1-0001" in ding["markdown"]["text"]
    [plain] = messages(Target("json", "http://x"), digest)
    assert plain["digest"]["counts"]["overdue"] == 3 and plain["type"] == "fire_risk_digest"
    lines = [f"- **LL1-{n:04d}** 宿舍楼电线老化，插线板串接使用" * 3 for n in range(400)]
    parts = split_parts(lines, 4096)
    assert len(parts) > 1 and all(len(part.encode()) <= 4096 for part in parts)
    assert "\n".join(parts).split("\n") == lines  # nothing lost, nothing repeated, in order
    assert split_parts(["字" * 3000], 4096) == ["字" * 1364 + "…"]  # one line alone too long is cut


def test_the_signatures_are_the_services_own():
    url = dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=abc", "SECxyz", 1700000000000)
    query = parse_qs(urlsplit(url).query)
    expected = base64.b64encode(hmac.new(b"SECxyz", b"1700000000000\nSECxyz", hashlib.sha256).digest()).decode()
    assert query == {"access_token": ["abc"], "timestamp": ["1700000000000"], "sign": [expected]}
    assert json_signature("k", b"{}") == "sha256=" + hmac.new(b"k", b"{}", hashlib.sha256).hexdigest()


def test_notify_commands_keep_secrets_and_send_now_tries_at_once(run, catalogue):
    """`notify add | list | send-now | status | remove` on a ledger file, against a local webhook."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from inspector_app.core.db import open_database, sqlite_url

    got: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            return None

        def do_POST(self) -> None:
            got.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
            self.send_response(200 if len(got) > 0 and self.path.startswith("/ok") else 500)
            self.send_header("content-length", "0")
            self.end_headers()

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        database = open_database(sqlite_url(run.db))
        with database.session() as session:
            org = structure.create_organisation(session, "Bureau", kind="county")
            org_id = str(org.id)
        database.dispose()
        code, _out, err = run("notify", "add", "--organisation", org_id, "--kind", "wecom", "--target", "ftp://x")
        assert code != 0 and "not a webhook address" in err
        code, _out, err = run("notify", "add", "--organisation", org_id, "--kind", "json", "--target",
                              f"{base}/ok", "--at", "25:00")
        assert code != 0 and "not a time of day" in err
        code, out, err = run("notify", "add", "--organisation", org_id, "--kind", "json", "--target",
                             f"{base}/ok?token=very-secret", "--secret", "s3cret", "--at", "07:30")
        assert code == 0, err
        added = json.loads(out)
        code, out, _err = run("notify", "add", "--organisation", org_id, "--kind", "json", "--target", f"{base}/bad")
        bad = json.loads(out)
        code, out, _err = run("notify", "list")
        assert "very-secret" not in out and "s3cret" not in out
        assert [(t["target"], t["at"], t["has_secret"]) for t in json.loads(out)] == [
            (f"{base}/ok?…", "07:30", True), (f"{base}/bad", "08:00", False)]
        code, out, _err = run("notify", "send-now", "--organisation", org_id)
        assert code == 1  # one of the two failed, and says so
        results = {r["id"]: r for r in json.loads(out)}
        assert results[added["id"]]["sent"] and not results[bad["id"]]["sent"]
        assert "HTTP 500" in results[bad["id"]]["error"]
        assert got[0]["type"] == "fire_risk_digest" and got[0]["digest"]["organisation"]["name"] == "Bureau"
        code, out, _err = run("notify", "status")
        status = {t["id"]: t for t in json.loads(out)}
        assert status[bad["id"]]["failing"] and not status[added["id"]]["failing"]
        assert status[added["id"]]["last_day"] is None  # a try takes nothing from the day's scheduled send
        code, out, _err = run("notify", "remove", bad["id"])
        assert code == 0 and [t["id"] for t in json.loads(run("notify", "list")[1])] == [added["id"]]
    finally:
        server.shutdown()
        server.server_close()
