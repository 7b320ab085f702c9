"""Rate limits: sign-up, password reset, clarification questions and the API answer 429 with a clear
message once a caller goes over, and count nothing more."""

from tenderbox.accounts.models import User
from tenderbox.tenders.models import Clarification
from tests.conftest import sign_in


def test_password_reset_requests_are_limited_per_address(client, db):
    for _ in range(10):
        assert client.post("/account/password-reset", {"email": "x@example.com"}).status_code == 200
    response = client.post("/account/password-reset", {"email": "x@example.com"})
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many attempts" in response.content.decode()


def test_sign_ups_are_limited_per_address(client, db):
    for n in range(10):
        client.post("/account/sign-up", {"email": f"p{n}@example.com"})
    response = client.post("/account/sign-up", {"email": "p11@example.com"})
    assert response.status_code == 429
    assert User.objects.count() == 0


def test_clarification_questions_are_limited_per_person(client, procurement, alice, acme):
    sign_in(client, alice)
    for n in range(20):
        client.post(f"/opportunities/{procurement.reference}/ask/{acme.pk}", {"question": f"Question {n}?"})
    response = client.post(f"/opportunities/{procurement.reference}/ask/{acme.pk}", {"question": "One more?"})
    assert response.status_code == 429
    assert Clarification.objects.count() == 20


def test_the_api_limits_anonymous_callers(client, db):
    statuses = [client.get("/api/v1/opportunities").status_code for _ in range(121)]
    assert statuses[:120] == [200] * 120
    assert statuses[120] == 429
