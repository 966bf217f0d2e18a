"""End to end in a real headless Chromium (Debian's package) driven by Playwright, against uvicorn on loopback.

Screenshots go to test-artifacts/. Without the browser or Playwright the tests skip, saying so loudly.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[web]'")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    for candidate in (os.environ.get("LLMPICK_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.skip(
        "E2E SKIPPED: no Chromium found (apt-get install chromium, or run .ci/web-setup.sh); "
        "the browser tests did NOT run"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from llmpick.web.app import create_app

    db = tmp_path_factory.mktemp("e2e") / "e2e.sqlite"
    port = _free_port()
    config = uvicorn.Config(create_app(f"sqlite:///{db}"), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = _chromium()
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="E2E SKIPPED: Playwright for Python is not installed (.ci/web-setup.sh installs it)",
    )
    with sync_api.sync_playwright() as p:
        try:
            instance = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Exception as exc:  # a broken browser install must be visible, not silent
            pytest.skip(f"E2E SKIPPED: Chromium at {executable} did not start: {exc}")
        yield instance
        instance.close()


@pytest.fixture()
def page(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    outside: list[str] = []
    tab.on("request", lambda req: outside.append(req.url) if not req.url.startswith((server, "data:")) else None)
    yield tab
    context.close()
    assert not errors, errors
    assert not outside, f"the app fetched from elsewhere: {outside}"


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"e2e-{name}.png"), full_page=True)


def test_preset_to_chart_backed_answer_and_report(page, server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/")
    page.select_option("#preset", "productivity")  # picking alone never leaves the page (keyboard users)
    with page.expect_navigation():
        page.click("#load-preset")
    assert page.input_value("#f-name")
    assert page.is_checked("input[name=tasks][value=text]")
    shot(page, "questionnaire")
    with page.expect_navigation():
        page.click("#submit-recommend")
    assert "/decisions/" in page.url
    cards = page.locator(".verdict-card")
    assert cards.count() == 4 and all(cards.nth(i).is_visible() for i in range(4))
    chart = page.locator("figure[data-chart=cost] svg")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200
    assert page.locator("figure[data-chart=cost] polyline").count() >= 2
    from llmpick.engine import recommend
    from llmpick.presets import load_preset

    crossing = recommend(load_preset("productivity")).break_even
    marks = 1 if crossing is not None and crossing.requests_per_day else 0
    assert page.locator("figure[data-chart=cost] g.break-even").count() == marks
    assert page.locator("table.routes tbody tr").count() >= 1
    shot(page, "result")
    with page.expect_download() as download:
        page.click("#download-html")
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert "<svg" in report and "<script" not in report


def test_compare_models(page, server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/models?openness=open-weight")
    boxes = page.locator("input[name=ids]")
    for i in range(3):
        boxes.nth(i).check()
    with page.expect_navigation():
        page.click("#compare-selected")
    table = page.locator("#comparison")
    assert table.is_visible()
    assert table.locator("thead th").count() == 4
    shot(page, "compare")


def test_rerun_a_saved_decision(page, server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/?preset=startup")
    with page.expect_navigation():
        page.click("#submit-recommend")
    page.goto(server + "/decisions")
    assert page.locator("#decisions tbody tr").count() >= 1
    page.locator("#decisions a").first.click()
    page.wait_for_load_state()
    with page.expect_navigation():
        page.click("#rerun")
    diff = page.locator("#diff")
    assert diff.is_visible() and "What changed" in diff.inner_text()
    assert "nothing changed" in diff.inner_text()
    shot(page, "rerun")


def test_hostile_name_is_shown_as_text(page, server) -> None:  # type: ignore[no-untyped-def]
    evil = "<script>alert(1)</script>"
    page.goto(server + "/?preset=startup")
    page.fill("#f-name", evil)
    with page.expect_navigation():
        page.click("#submit-recommend")
    assert page.locator("h1").inner_text() == evil  # shown as text; the page fixture fails on any dialog
    shot(page, "escaped-name")
