"""The Django admin and the public pages work under the strict policy in a real
browser: Chromium reports no Content-Security-Policy violation."""

import pytest

from tests.browser.tools import CHROMIUM_FLAGS

from .conftest import need

PAGES = [
    "/",
    "/columns/",
    "/themas/",
    "/admin/",
    "/admin/articles/column/",
    "/admin/articles/column/add/",
    "/admin/articles/column/1/change/",
    "/admin/articles/author/",
    "/admin/articles/theme/add/",
    "/admin/auth/user/",
]


@pytest.fixture(scope="module")
def browser_page():
    chromium = need("/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        yield page
        browser.close()


def test_no_csp_violations_on_admin_and_public_pages(two_servers, browser_page):
    page = browser_page
    base = f"http://127.0.0.1:{two_servers[0].port}"
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: {message.text}")
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    failed = []
    page.on(
        "response",
        lambda response: failed.append(response.url) if response.status >= 400 else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )

    page.goto(base + "/admin/login/")
    page.fill("#id_username", "hoofdredacteur")
    page.fill("#id_password", "lang-geheim-42!")
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")

    for path in PAGES:
        response = page.goto(base + path)
        assert response.status == 200, path
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
    # The admin's scripts run: the "add another" popup links and the theme toggle work.
    page.goto(base + "/admin/articles/column/add/")
    page.click("button.theme-toggle")
    assert page.evaluate("document.documentElement.dataset.theme") in {"light", "dark", "auto"}
    # Chromium asks for /favicon.ico by itself; the site has none (a 404 is correct).
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
    # (Each failed load is also a console error; those are checked through `failed`.)
    assert [p for p in problems if "Failed to load resource" not in p] == []
