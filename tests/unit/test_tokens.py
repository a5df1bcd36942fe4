"""`inspector-app token create | list | revoke` on SQLite and PostgreSQL, and `authenticate` refusing
unknown and revoked tokens: the secret is shown once, only its hash is stored, grants are kept."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from inspector_app.cli import main
from inspector_app.core.accounts import authenticate, hash_secret
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.models import Organisation


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ledger(request, tmp_path):
    if request.param == "sqlite":
        url = sqlite_url(tmp_path / "ledger.sqlite")
        open_database(url).dispose()  # the CLI opens only a ledger that is there (`init` makes one)
        return url
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def run(capsys, ledger):
    def _run(*args: str) -> tuple[int, str, str]:
        code = main(["--database-url", ledger, "--lang", "en", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _organisation(url: str, name: str = "County bureau") -> str:
    db = open_database(url)
    try:
        with db.session() as session:
            organisation = Organisation(name=name, kind="county")
            session.add(organisation)
            session.flush()
            return str(organisation.id)
    finally:
        db.dispose()


def test_create_shows_the_secret_once_and_stores_only_its_hash(run, ledger):
    county = _organisation(ledger)
    code, out, err = run("token", "create", "--inspector", "王老师", "--organisation", county)
    assert code == 0, err
    created = json.loads(out)
    secret = created["token"]
    assert secret.startswith("fri_") and len(secret) > 40
    assert created["inspector"] == "王老师" and created["role"] == "inspector"
    assert created["organisations"] == [county]
    assert "cannot be shown again" in err

    code, out, _ = run("token", "list")
    assert code == 0
    assert secret not in out and hash_secret(secret) not in out
    [listed] = json.loads(out)
    assert listed["id"] == created["id"] and listed["organisations"] == [county] and listed["revoked_at"] is None

    engine = create_engine(ledger)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM api_tokens")).scalars().all()
    engine.dispose()
    assert stored == [hash_secret(secret)]


def test_revoke_by_id_or_by_the_token_and_authenticate_refuses(run, ledger):
    county = _organisation(ledger)
    first = json.loads(run("token", "create", "--inspector", "li", "--organisation", county)[1])
    second = json.loads(run("token", "create", "--inspector", "admin", "--role", "admin")[1])
    db = open_database(ledger)
    try:
        with db.session() as session:
            principal = authenticate(session, first["token"])
            assert principal is not None and principal.inspector == "li"
            assert {str(o) for o in principal.granted} == {county}
            assert authenticate(session, second["token"]).is_admin  # type: ignore[union-attr]
            assert authenticate(session, "fri_" + "x" * 43) is None  # unknown
            assert authenticate(session, "") is None and authenticate(session, None) is None

        code, out, err = run("token", "revoke", first["id"])
        assert code == 0, err
        assert json.loads(out)["revoked_at"] is not None
        code, _, err = run("token", "revoke", second["token"])
        assert code == 0, err
        with db.session() as session:
            assert authenticate(session, first["token"]) is None
            assert authenticate(session, second["token"]) is None
    finally:
        db.dispose()
    listed = {t["id"]: t for t in json.loads(run("token", "list")[1])}
    assert listed[first["id"]]["revoked_at"] and listed[second["id"]]["revoked_at"]


def test_bad_input_is_one_clear_line(run):
    code, out, err = run("token", "create", "--inspector", "li", "--organisation", "county-7")
    assert code == 1 and out == ""
    assert err.strip().count("\n") == 0 and "'county-7' is not an organisation id" in err
    code, _, err = run("token", "create", "--inspector", "li")
    assert code == 1 and "at least one --organisation" in err
    code, _, err = run("token", "revoke", "fri_nothing")
    assert code == 1 and err.strip().count("\n") == 0 and "No token" in err
    assert json.loads(run("token", "list")[1]) == []


def test_a_grant_may_name_an_organisation_not_yet_pushed(run):
    future = "3f2b8c1e-0d4a-4c59-9a57-6b1f0e2d7c88"
    code, out, err = run("token", "create", "--inspector", "li", "--organisation", future)
    assert code == 0 and json.loads(out)["organisations"] == [future]
    assert "not in this ledger yet" in err


def test_messages_are_chinese_with_lang_zh(capsys, tmp_path):
    code = main(["--db", str(tmp_path / "l.sqlite"), "--lang", "zh", "token", "create", "--inspector", "li",
                 "--organisation", "bad"])
    assert code == 1
    err = capsys.readouterr().err
    assert "bad" in err and "机构" in err
