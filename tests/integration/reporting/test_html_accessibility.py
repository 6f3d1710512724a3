"""The sample year's HTML reports and data-quality page pass an automated WCAG 2.1 AA audit: axe-core (the
copy bundled with axe-playwright-python) in headless Chromium finds no violation.

Chromium is Debian's ``chromium`` package (``.ci/run`` installs it). Without it this test is skipped, unless
``COACHING_REQUIRE_BROWSER=1`` (CI sets it) makes a missing browser a failure."""

from __future__ import annotations

import os
import shutil

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

#: The rules of WCAG 2.0 and 2.1, levels A and AA, as axe-core tags them.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _browser() -> str:
    found = os.environ.get("COACHING_CHROMIUM") or next(filter(None, map(shutil.which, BROWSERS)), None)
    if found:
        return found
    if os.environ.get("COACHING_REQUIRE_BROWSER") == "1":
        pytest.fail("no Chromium found for the accessibility audit: install Debian's `chromium` package")
    pytest.skip("no Chromium found (Debian: apt-get install chromium); the HTML accessibility audit needs one")


def _violations(response: dict) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']}; {len(v['nodes'])}×, e.g. {v['nodes'][0]['html'][:160]}"
            for v in response["violations"]]


def _audit(paths) -> dict:
    """Each page's WCAG 2.1 AA violations as axe-core reports them (``id (impact): help; n×, e.g. html``)."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    browser_path = _browser()
    axe = Axe()
    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            for path in paths:
                page.goto(path.resolve().as_uri())
                result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA},
                                                "resultTypes": ["violations"]})
                found[path] = _violations(result.response)
        finally:
            browser.close()
    return found


def test_the_audit_finds_what_a_page_gets_wrong(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Slecht</title></head><body>'
                    '<main><h1>Bereik</h1><p style="color: #aaaaaa">Te lichte tekst.</p>'
                    '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==">'
                    '</main></body></html>', encoding="utf-8")
    (violations,) = _audit([page]).values()
    assert [v.split(" ", 1)[0] for v in violations] == ["color-contrast", "image-alt"]


def test_every_html_report_and_the_data_quality_page_pass_wcag_21_aa(built_sample):
    year = built_sample["reports"] / "2018"
    pages = sorted(year.rglob("*.html"))
    assert len(pages) == 12  # nine yearly reports, the overview, the lessons and the data-quality page
    found = {path.relative_to(year).as_posix(): violations for path, violations in _audit(pages).items()}
    assert found == {name: [] for name in found}
