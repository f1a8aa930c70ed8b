"""Playwright driving Debian's Chromium, for the browser tests."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import needs

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        needs("Playwright", "pip install -r requirements-dev.txt")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        needs("Chromium", f"{CHROMIUM} is missing (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls the tests
    # make between browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def watched_page(browser, **options):
    """A page that records Content-Security-Policy violations and JavaScript dialogs; the
    fixture fails the test if any happened."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, **options)
    page = context.new_page()
    page.problems = []
    page.on(
        "console", lambda m: m.type == "error" and "Content Security Policy" in m.text and page.problems.append(m.text)
    )
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    return context, page


@pytest.fixture
def page(browser):
    context, page = watched_page(browser)
    yield page
    context.close()
    assert page.problems == []


@pytest.fixture
def page_without_js(browser):
    context, page = watched_page(browser, java_script_enabled=False)
    yield page
    context.close()
    assert page.problems == []


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in_as(page, base: str, username: str, next_path: str = "/") -> None:
    """Log in through the form, as a person would, and wait for the page it leads to."""
    from tests.conftest import PASSWORD

    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")
