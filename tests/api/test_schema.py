"""The committed OpenAPI document is current, and the docs page works under the CSP."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

import zicht.api

pytestmark = pytest.mark.django_db

COMMITTED = Path(zicht.api.__file__).parent / "openapi.yaml"
REGENERATE = (
    ".venv/bin/python manage.py spectacular --lang en --validate --file src/zicht/api/openapi.yaml"
)


def test_committed_schema_is_up_to_date(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--lang", "en", "--file", str(generated))
    assert generated.read_text() == COMMITTED.read_text(), (
        f"src/zicht/api/openapi.yaml is out of date; regenerate it with: {REGENERATE}"
    )


def test_schema_endpoint(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/signals/" in response.content


def test_docs_page_loads_under_the_csp(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    html = response.content.decode()
    assert "<style" not in html and " style=" not in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="' in attrs for attrs in scripts)  # no inline scripts
    for src in re.findall(r'src="([^"]+)"', html):
        assert src.startswith("/"), src  # served by this site, not a CDN
    init = re.search(r'src="([^"]*\?[^"]*script[^"]*)"', html).group(1).replace("&amp;", "&")
    script = client.get(init)
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
