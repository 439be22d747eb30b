"""The report as a reader sees it: rendered by headless Chromium, every image loads, tables have
rows, the console stays clean. Chromium comes from Debian's packages, installed here if missing."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from hopfieldlab.report import build_report

CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"


def _ensure_chromium() -> None:
    if os.path.exists(CHROMIUM) and os.path.exists(DRIVER):
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("Debian's chromium and chromium-driver are absent and cannot be installed without root/apt")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, capture_output=True, timeout=600)
    subprocess.run(["apt-get", "install", "-y", "-q", "chromium", "chromium-driver"], check=True, env=env,
                   capture_output=True, timeout=900)


@pytest.fixture(scope="module")
def browser():
    _ensure_chromium()
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1200,2400"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield driver
    driver.quit()


def test_report_renders_in_chromium(tmp_path, browser):
    page = build_report(tmp_path / "report", size="tiny", seed=3)
    browser.get(page.resolve().as_uri())
    browser.execute_script("return document.readyState")
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth]);")
    assert images, "the report shows no figure"
    for src, complete, width in images:
        assert complete and width > 0, f"image {src} did not load"
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('table')).map(t => t.querySelectorAll('tr').length);")
    assert rows and all(r >= 2 for r in rows), f"a table without data rows: {rows}"
    severe = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert not severe, f"console errors: {severe}"
    browser.save_screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 10_000
