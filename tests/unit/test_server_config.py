"""The server's configuration survives the trip through INSPECTOR_* variables (how uvicorn's workers
get it), and bad values are one clear error."""

from __future__ import annotations

import pytest

from inspector_app.core.errors import InspectorError
from inspector_app.web.server_config import ServerConfig, build_config

PG = "postgresql+psycopg://inspector@db.example/ledger"


def test_round_trip_through_the_environment(tmp_path):
    config = build_config(database_url=PG, files_dir=str(tmp_path), trusted_proxies=["127.0.0.1", "10.0.0.0/8"],
                          forms_dirs=["/srv/forms"], burst=7, max_sync_body_bytes=1000)
    env = config.to_env()
    assert env["INSPECTOR_TRUSTED_PROXIES"] == "127.0.0.1/32,10.0.0.0/8"
    assert ServerConfig.from_env(env) == config
    assert ServerConfig.from_env({"INSPECTOR_DATABASE_URL": "sqlite:///x.sqlite"}).max_sync_body_bytes == 16 << 20


def test_bad_values_name_the_variable(tmp_path):
    with pytest.raises(InspectorError, match=r"INSPECTOR_TRUSTED_PROXIES.*'proxy\.local'"):
        build_config(database_url=PG, files_dir=str(tmp_path), trusted_proxies=["proxy.local"])
    with pytest.raises(InspectorError, match="INSPECTOR_BURST"):
        ServerConfig.from_env({"INSPECTOR_DATABASE_URL": PG, "INSPECTOR_FILES_DIR": "/srv", "INSPECTOR_BURST": "0"})
    with pytest.raises(InspectorError, match="INSPECTOR_DATABASE_URL"):
        ServerConfig.from_env({})


def test_a_shared_database_needs_a_files_folder():
    with pytest.raises(InspectorError, match="--files"):
        build_config(database_url=PG)
    assert build_config(database_url="sqlite:///ledger.sqlite").files_dir == ""
