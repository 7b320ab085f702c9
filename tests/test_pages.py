"""Public pages: GOV.UK layout, footer links, security headers, clear error pages."""

import pytest

PUBLIC = [
    "/",
    "/privacy",
    "/cookies",
    "/accessibility",
    "/contact",
    "/account/sign-in",
    "/account/sign-up",
    "/account/password-reset",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_use_the_govuk_layout(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#main-content"' in page and "govuk-skip-link" in page
    assert "govuk-phase-banner" in page
    for link in ("/privacy", "/cookies", "/accessibility", "/contact"):
        assert f'href="{link}"' in page
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_only_strictly_necessary_cookies_are_set_on_a_first_visit(client, db):
    response = client.get("/")
    assert list(response.cookies) == []


def test_the_privacy_page_renders_the_legal_basis_register(client, db):
    page = client.get("/privacy").content.decode()
    assert "To notify you of tender opportunities related to your industry." in page
    assert "Legitimate interests (UK GDPR Art. 6(1)(f))" in page
    assert "Procurement Act 2023 s.98" in page


def test_an_unknown_page_is_a_govuk_404(client, db):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_health_reports_the_database(client, db):
    response = client.get("/health")
    assert (response.status_code, response.json()) == (
        200,
        {"database": "ok", "task_queue": "ok", "storage": "ok"},
    )


def test_health_names_what_failed(client, db, monkeypatch):
    from tenderbox.portal import views

    def broken():
        raise OSError("Redis is down")

    monkeypatch.setattr(views, "_check_task_queue", broken)
    response = client.get("/health")
    assert (response.status_code, response.json()["task_queue"]) == (503, "unavailable")


def test_the_openapi_schema_is_at_a_stable_url(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Tenderbox API"


def test_an_empty_submission_is_refused_with_the_missing_fields(client, alice, acme):
    from tests.conftest import sign_in

    sign_in(client, alice)
    for path, message in (
        ("/account/profile", "Enter your full name"),
        (f"/organisations/{acme.pk}/invite", "Enter email address of the person to invite"),
        ("/account/password-reset", "Enter email address"),
    ):
        response = client.post(path, {})
        assert response.status_code == 400, path
        assert message in response.content.decode(), path


def test_a_forged_form_gets_a_clear_403_page(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/sign-in", {"email": "a@b.example", "password": "x"})
    assert response.status_code == 403
    assert "Sorry, this form has expired" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/opportunities/a%00b/", "/opportunities/?q=a%00b", "/frameworks/FW%00/", "/opportunities/?a%00=1"],
)
def test_a_nul_character_in_the_address_is_a_clear_400(client, db, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "Sorry, there is a problem with the request" in response.content.decode()
