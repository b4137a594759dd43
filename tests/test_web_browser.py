"""The web form in a real browser: Debian's Chromium driven by Playwright, against the real
server process. Never downloads a browser; skips only when /usr/bin/chromium is missing
(``.ci/run`` installs it). Saves docs/img/web-form.png, the README's screenshot."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.service_helpers import REPO, start_server

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT = REPO / "docs" / "img" / "web-form.png"
# Two astral characters first: UTF-16 offsets would put the highlight two characters early.
MESSAGE = "😀😀张先生，您已逾期30天。再不还钱小心你的腿！"
XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>']

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("browser") / "decisions.sqlite3")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def test_typing_a_violating_chinese_message_highlights_it(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 760}, locale="zh-CN")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server.url + "/", wait_until="networkidle")
    assert page.locator("#scope").input_value() == "jurisdiction:CN"
    page.locator("#text").press_sequentially(MESSAGE, delay=15)
    mark = page.locator("#backdrop mark.sev-error")
    mark.first.wait_for(timeout=10_000)
    assert mark.all_text_contents() == ["小心你的腿"]
    verdict = page.locator("#verdict")
    assert "verdict-block" in verdict.get_attribute("class")
    assert verdict.text_content() == "拦截：不得发送"
    threat = page.locator("#findings li", has_text="CN-THREAT-001")
    assert "crim-law" in threat.text_content() and "小心你的腿" in threat.locator("q").text_content()
    # The backdrop mirrors the textarea exactly, so the mark sits under the typed characters.
    assert page.locator("#backdrop").text_content() == MESSAGE
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.locator("#text").blur()  # no caret or focus ring: the same picture on every run
    page.screenshot(path=str(SCREENSHOT), animations="disabled", caret="hide")
    assert not dialogs
    page.close()


@pytest.mark.parametrize("payload", XSS)
def test_markup_typed_by_the_user_runs_nothing(server, browser, payload):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server.url + "/?lang=en", wait_until="networkidle")
    images_before = page.locator("img").count()
    scripts_before = page.locator("script").count()
    text = f"You deadbeat {payload} pay now"
    page.locator("#text").fill(text)
    page.locator("#backdrop mark").first.wait_for(timeout=10_000)
    assert page.locator("#backdrop").text_content() == text
    page.wait_for_timeout(300)
    assert not dialogs
    assert page.locator("img").count() == images_before == 0
    assert page.locator("script").count() == scripts_before
    assert page.locator("#backdrop *:not(mark):not(br)").count() == 0
    page.close()


def test_without_javascript_the_form_posts_and_renders_on_the_server(server, browser):
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    page = context.new_page()
    page.goto(server.url + "/")
    page.locator("#text").fill("We will have you arrested if you do not pay.")
    page.locator("#submit").click()
    page.wait_for_load_state()
    assert "verdict-block" in page.locator("#verdict").get_attribute("class")
    assert page.locator("#backdrop mark").count() >= 1
    assert page.locator("#text").input_value() == "We will have you arrested if you do not pay."
    context.close()
