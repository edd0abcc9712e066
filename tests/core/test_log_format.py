"""ZICHT_LOG_FORMAT=json: one valid JSON object a line, and never identity plaintext."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.intake.conftest import signal_post
from zicht.accounts.constants import Role
from zicht.core.logformat import FIELDS, JsonLineFormatter

REPO = Path(__file__).resolve().parents[2]


def test_the_json_format_is_chosen_by_the_environment_and_writes_json_lines(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZICHT_")}
    env.update(
        ZICHT_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="zicht.conf.settings",
        ZICHT_LOG_FORMAT="json",
    )
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('zicht.audit').info('audit seq=%s action=%s', 7, 'auth.login'); "
        "logging.getLogger('django.request').warning('Not Found: %s', '/x/', "
        "extra={'status_code': 404, 'request': 'GET /x/?naam=Zwaantje'})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [line["message"] for line in lines] == [
        "audit seq=7 action=auth.login",
        "Not Found: /x/",
    ]
    assert lines[0]["level"] == "INFO" and lines[0]["logger"] == "zicht.audit"
    assert all(set(line) <= set(FIELDS) for line in lines)
    assert "Zwaantje" not in result.stderr  # an extra attribute never reaches the line


def test_plain_text_stays_the_default(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZICHT_")}
    env.update(ZICHT_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="zicht.conf.settings")
    code = "import django, logging; django.setup(); logging.getLogger('zicht').info('hello')"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.rstrip().endswith("INFO zicht hello")


@pytest.fixture
def json_log():
    """Every record of every logger, at DEBUG, through the JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    zicht = logging.getLogger("zicht")
    old_zicht = zicht.level
    zicht.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)
    zicht.setLevel(old_zicht)


def test_recording_and_viewing_a_signal_logs_no_identity(make_member, login, json_log):
    client = login(make_member(role=Role.PROFESSIONAL))
    data = signal_post(given_names="Zwaantje", surname="Kwakkelstein", bsn="111222333")
    created = client.post(reverse("intake:signal_create"), data)
    assert created.status_code == 302
    client.get(created["Location"])
    client.get("/bestaat-niet/?naam=Zwaantje+Kwakkelstein")
    output = json_log.getvalue()
    lines = [json.loads(line) for line in output.splitlines()]
    assert any(line["logger"] == "zicht.audit" for line in lines)  # the audit line is there
    assert any(line["message"].startswith("Not Found") for line in lines)
    for secret in ("Zwaantje", "Kwakkelstein", "111222333", "2010-04-03", "scooter"):
        assert secret not in output
