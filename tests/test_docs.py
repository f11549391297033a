"""The documentation site as a reader sees it: its home page and one notebook page, opened in
headless Chromium, load without a console error and show their figures.

Build the site first (``python -m sphinx -W --keep-going -b html docs docs/_build/html``),
then ``pytest -m docs tests/test_docs.py``; ``.ci/run`` does both. Chromium comes from the
system's packages (Debian's ``chromium``); without it, or without the built site, the tests
skip and say why."""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.docs

SITE = Path(__file__).resolve().parent.parent / "docs" / "_build" / "html"
PAGES = ["index.html", "_generated/notebooks/03_quantum_volume.html"]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def site_url():
    if not (SITE / "index.html").is_file():
        pytest.skip(f"no built site at {SITE}: build it with "
                    "python -m sphinx -W --keep-going -b html docs docs/_build/html")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    if executable is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium; "
                    ".ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed: pip install -e '.[docs]'")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("page", PAGES)
def test_a_page_loads_without_console_errors_and_its_figures_render(browser, site_url, page):
    tab = browser.new_page()
    errors = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    failed = []
    tab.on("requestfailed", lambda request: failed.append(request.url))
    response = tab.goto(f"{site_url}/{page}", wait_until="networkidle")
    assert response is not None and response.ok, f"{page}: HTTP {response and response.status}"
    assert not errors, f"{page}: console errors {errors}"
    assert not failed, f"{page}: requests that failed {failed}"
    images = tab.eval_on_selector_all(
        "article img", "els => els.map(e => [e.getAttribute('src'), e.complete, e.naturalWidth])")
    assert images, f"{page} shows no figure"
    broken = [src for src, complete, width in images if not complete or width == 0]
    assert not broken, f"{page}: figures that did not render: {broken}"
    tab.close()
