"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

A missing browser is a failure, not a skip: ``make test`` installs it.
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the
# tests make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ZICHT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    path = shutil.which(CHROMIUM) or CHROMIUM
    assert os.path.exists(path), f"Chromium not found at {path}: run `make test`, which installs it"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def axe_check():
    axe = Axe()

    def check(page, label):
        results = axe.run(page)
        serious = [
            v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
        ]
        assert not serious, f"{label}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} @ {[n['target'] for n in v['nodes']][:3]}"
            for v in serious
        )
        return results

    return check
