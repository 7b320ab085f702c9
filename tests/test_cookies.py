"""Cookies (PECR reg. 6): nothing but strictly necessary cookies until the person chooses; accept and
reject offered with equal weight; first-party analytics counted only after acceptance; the choice kept
in the browser for a year and changeable on /cookies; asked again when the cookie policy changes."""

import json
import re
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import DatabaseError
from django.db.models import QuerySet
from django.test import Client, override_settings

from tenderbox.analytics import actions, consent
from tenderbox.analytics.models import DailyVisitors, PageView
from tenderbox.organisations.actions import invite_member
from tests.conftest import sign_in

LONDON = ZoneInfo("Europe/London")
WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)
ONE_YEAR = 365 * 24 * 60 * 60
ACCEPTED = '{"analytics":true,"version":1}'
REJECTED = '{"analytics":false,"version":1}'


@pytest.fixture
def wednesday():
    with time_machine.travel(WEDNESDAY, tick=False) as traveller:
        yield traveller


def choose(client, answer: str, next: str | None = "/", **headers):
    """Press a button of the cookie banner (which sends `next`), or save the cookies page (next=None)."""
    data = {"analytics": answer} if next is None else {"analytics": answer, "next": next}
    return client.post("/cookies", data, **headers)


def banner(response) -> str:
    """The cookie banner's markup (it comes just before the skip link), or "" when the page has none."""
    page = response.content.decode()
    start = page.find('<div class="govuk-cookie-banner"')
    return "" if start < 0 else page[start : page.index('<a href="#main-content" class="govuk-skip-link"')]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def counts():
    return (
        list(PageView.objects.order_by("path").values_list("day", "path", "views")),
        list(DailyVisitors.objects.order_by("day").values_list("day", "visitors")),
    )


# Before a choice --------------------------------------------------------------------------------
def test_a_first_visit_sets_no_cookie_at_all(client, db):
    response = client.get("/")
    assert list(response.cookies) == []
    assert counts() == ([], [])


def test_the_banner_offers_accept_and_reject_with_equal_weight(client, db):
    shown = banner(client.get("/opportunities/?q=parks"))

    assert "Cookies on Tenderbox" in shown
    buttons = re.findall(r"<button [^>]*>\s*[^<]*?\s*</button>", shown)
    assert [re.sub(r"\s+", " ", b) for b in buttons] == [
        '<button type="submit" value="yes" name="analytics" class="govuk-button" data-module="govuk-button">'
        " Accept analytics cookies </button>",
        '<button type="submit" value="no" name="analytics" class="govuk-button" data-module="govuk-button">'
        " Reject analytics cookies </button>",
    ]
    page = client.get("/opportunities/?q=parks").content.decode()
    form = '<form method="post" action="/cookies" novalidate><input type="hidden" name="next" value="{}">'
    assert form.format("/opportunities/?q=parks") in page


def test_the_cookies_page_lists_every_cookie_and_shows_no_banner(client, db):
    response = client.get("/cookies")

    assert banner(response) == ""
    page = text(response.content.decode())
    for row in (
        "sessionid Keeps you signed in 8 hours, or 30 minutes unused",
        "csrftoken Protects forms from being submitted by other sites 1 year",
        "cookies_policy Remembers whether you accepted analytics cookies 1 year",
        "tb_analytics Tells us your browser has already been counted as a visitor today; "
        "it holds only that date 1 year",
    ):
        assert row in page
    assert "Do you want to accept analytics cookies?" in page
    assert 'type="radio"' in response.content.decode() and "checked" not in response.content.decode()


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        "[" * 20_000,  # deep enough for json.loads to raise RecursionError, not ValueError
        '"yes"',
        '{"analytics":"yes","version":1}',
        '{"analytics":true,"version":true}',
        '{"analytics":true}',
    ],
)
def test_an_unreadable_choice_counts_as_no_choice(client, db, value):
    client.cookies[consent.POLICY_COOKIE] = value

    response = client.get("/")

    assert "Accept analytics cookies" in banner(response)
    assert list(response.cookies) == []
    assert counts() == ([], [])


# Accepting ---------------------------------------------------------------------------------------
def test_accepting_records_the_choice_for_a_year_and_returns_to_the_page(client, db, wednesday):
    response = choose(client, "yes", next="/opportunities/?q=parks")

    assert (response.status_code, response["Location"]) == (302, "/opportunities/?q=parks")
    policy = response.cookies[consent.POLICY_COOKIE]
    assert json.loads(policy.value) == {"analytics": True, "version": 1}
    assert (policy["max-age"], policy["samesite"], policy["httponly"], policy["secure"], policy["path"]) == (
        ONE_YEAR,
        "Lax",
        True,
        "",
        "/",
    )
    assert consent.ANALYTICS_COOKIE not in response.cookies
    assert counts() == ([], [])

    page = client.get("/opportunities/?q=parks")
    assert text(banner(page)) == (
        "You’ve accepted analytics cookies. You can change your cookie settings at any time. "
        "Hide cookie message"
    )
    assert "Accept analytics cookies" not in page.content.decode()
    assert banner(client.get("/opportunities/?q=parks")) == ""  # the confirmation is shown once


@override_settings(SESSION_COOKIE_SECURE=True)
def test_the_choice_cookie_is_secure_when_session_cookies_are(client, db):
    response = choose(client, "no")
    assert response.cookies[consent.POLICY_COOKIE]["secure"] is True


def test_after_accepting_page_views_are_counted_by_path_without_the_query_string(client, db, wednesday):
    choose(client, "yes")

    first = client.get("/opportunities/?q=parks&region=TLE")

    cookie = first.cookies[consent.ANALYTICS_COOKIE]
    assert (cookie.value, cookie["max-age"], cookie["samesite"], cookie["httponly"]) == (
        "2026-11-25",
        ONE_YEAR,
        "Lax",
        True,
    )
    assert counts() == ([(date(2026, 11, 25), "/opportunities/", 1)], [(date(2026, 11, 25), 1)])

    again = client.get("/opportunities/?q=schools")
    client.get("/privacy")

    assert consent.ANALYTICS_COOKIE not in again.cookies  # kept as it is: already counted today
    assert counts() == (
        [(date(2026, 11, 25), "/opportunities/", 2), (date(2026, 11, 25), "/privacy", 1)],
        [(date(2026, 11, 25), 1)],
    )


def test_a_browser_is_counted_again_as_a_visitor_the_next_day(client, db, wednesday):
    choose(client, "yes")
    client.get("/")

    wednesday.move_to(datetime(2026, 11, 26, 9, 0, tzinfo=LONDON))
    response = client.get("/")

    assert response.cookies[consent.ANALYTICS_COOKIE].value == "2026-11-26"
    assert counts() == (
        [(date(2026, 11, 25), "/", 1), (date(2026, 11, 26), "/", 1)],
        [(date(2026, 11, 25), 1), (date(2026, 11, 26), 1)],
    )


def test_two_browsers_are_two_visitors(db, wednesday):
    first, second = Client(), Client()
    for browser in (first, second):
        choose(browser, "yes")
        browser.get("/")

    assert counts() == ([(date(2026, 11, 25), "/", 2)], [(date(2026, 11, 25), 2)])


def test_a_page_whose_address_carries_a_value_is_counted_under_its_pattern(
    client, procurement, alice, acme, commit, mailoutbox, wednesday
):
    with commit():
        invite_member(acme, "dana@acme.example", "bidder", by=alice)
    invitation_link = re.search(r"/organisations/invitations/\S+", mailoutbox[-1].body).group(0)
    choose(client, "yes")

    assert client.get(f"/opportunities/{procurement.reference}/").status_code == 200
    assert client.get(invitation_link).status_code == 200  # Dana opens her emailed invitation

    assert counts()[0] == [
        (date(2026, 11, 25), "/opportunities/<reference>/", 1),
        (date(2026, 11, 25), "/organisations/invitations/<token>", 1),
    ]


def test_only_successful_html_page_views_are_counted(client, db, wednesday):
    choose(client, "yes")

    assert client.get("/no-such-page").status_code == 404
    assert client.get("/health").status_code == 200  # JSON
    assert client.head("/").status_code == 200
    assert client.post("/account/sign-in", {}).status_code == 400

    assert counts() == ([], [])


def test_a_signed_in_persons_views_are_counted_without_saying_whose(client, alice, acme, wednesday):
    sign_in(client, alice)
    choose(client, "yes")

    client.get(f"/organisations/{acme.pk}/")

    assert counts() == (
        [(date(2026, 11, 25), "/organisations/<org_id>/", 1)],
        [(date(2026, 11, 25), 1)],
    )


# Rejecting ---------------------------------------------------------------------------------------
def test_rejecting_sets_only_the_choice_and_counts_nothing(client, db, wednesday):
    response = choose(client, "no", next="/privacy")

    assert (response.status_code, response["Location"]) == (302, "/privacy")
    assert json.loads(response.cookies[consent.POLICY_COOKIE].value) == {"analytics": False, "version": 1}

    page = client.get("/privacy")
    assert text(banner(page)).startswith(
        "You’ve rejected analytics cookies. You can change your cookie settings"
    )
    for path in ("/", "/opportunities/", "/privacy"):
        response = client.get(path)
        assert consent.ANALYTICS_COOKIE not in response.cookies
        assert banner(response) == ""
    assert counts() == ([], [])


def test_changing_from_accept_to_reject_on_the_cookies_page_deletes_the_analytics_cookie(
    client, db, wednesday
):
    choose(client, "yes")
    client.get("/")
    assert client.cookies[consent.ANALYTICS_COOKIE].value == "2026-11-25"

    response = choose(client, "no", next=None)

    assert (response.status_code, response["Location"]) == (302, "/cookies")
    assert json.loads(response.cookies[consent.POLICY_COOKIE].value) == {"analytics": False, "version": 1}
    deleted = response.cookies[consent.ANALYTICS_COOKIE]
    assert (deleted.value, deleted["max-age"]) == ("", 0)

    page = client.get("/cookies").content.decode()
    assert "You’ve set your cookie preferences." in text(page)
    assert re.search(r'value="no"\s+checked', page)
    client.get("/")
    assert counts() == ([(date(2026, 11, 25), "/", 1)], [(date(2026, 11, 25), 1)])


def test_changing_from_reject_to_accept_on_the_cookies_page_starts_counting(client, db, wednesday):
    choose(client, "no")
    assert re.search(r'value="no"\s+checked', client.get("/cookies").content.decode())

    response = choose(client, "yes", next=None)
    client.get("/")

    assert json.loads(response.cookies[consent.POLICY_COOKIE].value) == {"analytics": True, "version": 1}
    assert counts() == ([(date(2026, 11, 25), "/", 1)], [(date(2026, 11, 25), 1)])


def test_an_analytics_cookie_left_without_consent_is_removed(client, db):
    client.cookies[consent.POLICY_COOKIE] = REJECTED
    client.cookies[consent.ANALYTICS_COOKIE] = "2026-11-24"

    response = client.get("/")

    assert (
        response.cookies[consent.ANALYTICS_COOKIE].value,
        response.cookies[consent.ANALYTICS_COOKIE]["max-age"],
    ) == ("", 0)
    assert counts() == ([], [])


# Refused input -------------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""])
def test_a_next_address_off_the_site_goes_home(client, db, target):
    response = choose(client, "no", next=target)

    assert (response.status_code, response["Location"]) == (302, "/")
    assert response.cookies[consent.POLICY_COOKIE].value == REJECTED


@pytest.mark.parametrize("data", [{"next": "/privacy"}, {"analytics": "maybe", "next": "/privacy"}, {}])
def test_a_post_without_a_choice_is_refused_with_a_clear_message(client, db, data):
    response = client.post("/cookies", data)

    assert response.status_code == 400
    page = text(response.content.decode())
    assert "There is a problem Select yes if you want to accept analytics cookies" in page
    assert consent.POLICY_COOKIE not in response.cookies


def test_other_methods_are_refused(client, db):
    assert client.put("/cookies").status_code == 405


# Asking again -------------------------------------------------------------------------------------
def test_the_banner_asks_again_when_the_cookie_policy_changes(client, db, monkeypatch, wednesday):
    choose(client, "yes")
    client.get("/")
    assert banner(client.get("/")) == ""

    monkeypatch.setattr(consent, "COOKIE_POLICY_VERSION", 2)
    response = client.get("/")

    assert "Accept analytics cookies" in banner(response)
    assert response.cookies[consent.ANALYTICS_COOKIE]["max-age"] == 0  # no consent under the new policy
    assert counts() == ([(date(2026, 11, 25), "/", 2)], [(date(2026, 11, 25), 1)])

    answered = choose(client, "yes")
    assert json.loads(answered.cookies[consent.POLICY_COOKIE].value) == {"analytics": True, "version": 2}
    assert text(banner(client.get("/"))).startswith("You’ve accepted analytics cookies.")
    assert banner(client.get("/")) == ""


# CSRF -----------------------------------------------------------------------------------------------
@pytest.fixture
def browser_client():
    """A client that checks CSRF as a real browser's requests are checked."""
    return Client(enforce_csrf_checks=True)


def test_the_banner_works_without_a_token_when_the_browser_says_it_came_from_tenderbox(browser_client, db):
    response = choose(browser_client, "yes", HTTP_ORIGIN="http://testserver")

    assert response.status_code == 302
    assert response.cookies[consent.POLICY_COOKIE].value == ACCEPTED
    assert "csrftoken" not in response.cookies


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "https://testserver"},
    ],
)
def test_a_choice_from_another_site_is_refused(browser_client, db, headers):
    response = choose(browser_client, "yes", **headers)

    assert response.status_code == 403
    assert consent.POLICY_COOKIE not in response.cookies


def test_the_cookies_page_form_carries_a_csrf_token(browser_client, db):
    page = browser_client.get("/cookies")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)

    response = browser_client.post("/cookies", {"analytics": "no", "csrfmiddlewaretoken": token})

    assert (response.status_code, response["Location"]) == (302, "/cookies")
    assert response.cookies[consent.POLICY_COOKIE].value == REJECTED


def test_the_rest_of_the_site_still_needs_a_token(browser_client, db):
    response = browser_client.post(
        "/account/sign-in", {"email": "a@b.example"}, HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 403


# Counting under concurrency --------------------------------------------------------------------------
def test_two_requests_racing_to_create_a_days_row_both_count(db):
    day = date(2026, 11, 25)
    actions.count_page_view(day=day, path="/", new_visitor=True)
    real_update = QuerySet.update
    calls = []

    def update_that_misses_the_row_once(self, **kwargs):
        # As if the other request's insert committed just after our update looked for the row.
        calls.append(kwargs)
        return 0 if len(calls) == 1 else real_update(self, **kwargs)

    with mock.patch.object(QuerySet, "update", update_that_misses_the_row_once):
        actions.count_page_view(day=day, path="/", new_visitor=False)

    assert counts() == ([(day, "/", 2)], [(day, 1)])


def test_a_failed_count_does_not_fail_the_page(client, db, wednesday, caplog):
    choose(client, "yes")

    with mock.patch.object(actions, "count_page_view", side_effect=DatabaseError("disk full")):
        response = client.get("/")

    assert response.status_code == 200
    assert consent.ANALYTICS_COOKIE not in response.cookies
    assert "Could not count a page view of /" in caplog.text
