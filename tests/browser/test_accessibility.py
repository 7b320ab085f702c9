"""Accessibility (WCAG 2.2 AA): axe-core, from the npm registry (devDependencies in package.json), run
in the browser on every page a person reaches, and a core form used by keyboard alone.

Pages: every page without arguments, as an anonymous visitor, a supplier (Alice) and a buyer (Ian);
and every page of the permission matrix that its right role opens (a supplier's response, receipt and
profile, a buyer's procurement, opening, tenders, evaluation and award, an evaluator's marking), as
that person. axe is injected into each page after it loads; any violation of a WCAG 2.0, 2.1 or 2.2
A/AA rule fails the test, listing the page, the rule and the elements.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import PASSWORD, sign_in
from tests.test_headers import _argument_free_paths
from tests.test_permission_matrix import PAGES, World

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG's rules only. axe's "best-practice" set adds one more finding here, `region` (the skip link, phase
# banner and back link sit outside a landmark), which is where the GOV.UK Design System places them on
# purpose (a back link before <main>, so the skip link skips it).
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"No {AXE}: run `npm ci` (make test-browser does) to install axe-core.")
    return AXE.read_text()


def _signed_in_context(new_context, live_server, user):
    """A browser context holding the person's session (and, for buyers, their passed second factor)."""
    # The strict CSP refuses inline scripts: let the test inject axe (the pages' own policy is tested
    # elsewhere, in test_headers and test_look).
    context = new_context(bypass_csp=True)
    if user is not None:
        client = sign_in(Client(), user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


def _violations(page, axe_source, path):
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    assert len(result["passes"]) > 10, path  # axe really ran its rules on the page
    return [
        f"{path}: {v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]


def _html_pages(client, paths):
    """The paths that answer GET with an HTML page (not a download, a JSON body or a 405)."""
    out = []
    for path in paths:
        response = client.get(path)
        if (
            response.status_code != 405
            and "text/html" in response.get("Content-Type", "")
            and "attachment" not in response.get("Content-Disposition", "")
        ):
            out.append(path)
    return out


def _check_pages(context, axe_source, paths):
    page = context.new_page()
    problems = []
    for path in paths:
        page.goto(path, wait_until="load")
        problems += _violations(page, axe_source, path)
    return problems, len(paths)


@pytest.mark.parametrize("who", ["anonymous", "alice", "ian"])
def test_every_page_without_arguments_passes_axe(new_context, live_server, axe_source, request, who):
    user = None
    if who != "anonymous":
        request.getfixturevalue("acme" if who == "alice" else "northshire")
        user = request.getfixturevalue(who)
    context = _signed_in_context(new_context, live_server, user)
    client = sign_in(Client(), user) if user else Client()
    problems, checked = _check_pages(context, axe_source, _html_pages(client, _argument_free_paths()))
    assert problems == [], "\n".join(problems)
    assert checked > 20


def test_every_page_of_the_main_journeys_passes_axe(
    new_context, live_server, axe_source, request, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = World(request)
    by_persona = {}
    for name, row in sorted(PAGES.items()):
        if not isinstance(row.right, tuple) or row.right[1] != 200 or "GET" not in row.methods:
            continue
        if not row.args(world):
            continue  # argument-free pages are checked above
        by_persona.setdefault(row.right[0], []).append(reverse(name, kwargs=row.args(world)))
    problems, checked = [], 0
    for persona, paths in sorted(by_persona.items()):
        user = world.user(persona)
        context = _signed_in_context(new_context, live_server, user)
        found, n = _check_pages(context, axe_source, _html_pages(sign_in(Client(), user), paths))
        problems += [f"as {persona}: {p}" for p in found]
        checked += n
    assert problems == [], "\n".join(problems)
    assert checked > 25


def test_signing_in_by_keyboard_alone(new_context, live_server, alice, acme):
    """Tab from the top of the page: the cookie banner first (GOV.UK puts it before the skip link),
    then the skip link, then the form in order; Enter presses the focused button."""
    page = new_context().new_page()
    page.goto("/account/sign-in")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Accept analytics cookies")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Reject analytics cookies")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-cookie-banner")).to_contain_text("You’ve rejected analytics cookies")
    page.goto("/account/sign-in")  # the choice is kept: no banner now
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Enter")  # the skip link moves focus to the main content
    expect(page.locator(":focus")).to_have_attribute("id", "main-content")
    for _ in range(20):  # on to the first field, past any links in the content above it
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "email":
            break
    expect(page.locator(":focus")).to_have_attribute("type", "email")
    page.keyboard.type(alice.email)
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("type", "password")
    page.keyboard.type(PASSWORD)
    # The focused field shows GOV.UK's focus style: a yellow outline a screen magnifier user can follow.
    expect(page.locator(":focus")).to_have_css("outline-color", re.compile(r"rgb\(255, 221, 0\)"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/account/(#main-content)?$"))  # the browser keeps the fragment
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
