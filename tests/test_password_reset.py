import re

from tenderbox.audit.models import AuditEvent
from tests.conftest import PASSWORD


def test_alice_resets_her_password_by_email(client, alice, commit, mailoutbox):
    with commit():
        response = client.post("/account/password-reset", {"email": "alice@ACME.example"})
    assert response.status_code == 200
    path = re.search(r"/account/password-reset/\S+", mailoutbox[0].body).group(0)
    assert client.post(path, {"password": "short"}).status_code == 400
    response = client.post(path, {"password": "new granite kettle"})
    assert response["Location"] == "/account/sign-in"
    alice.refresh_from_db()
    assert alice.check_password("new granite kettle") and not alice.check_password(PASSWORD)
    assert AuditEvent.objects.filter(verb="user.password_reset").count() == 1
    # The link works once.
    assert client.get(path).status_code == 400


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db, commit, mailoutbox):
    with commit():
        response = client.post("/account/password-reset", {"email": "nobody@example.com"})
    assert response.status_code == 200
    assert "If an account uses" in response.content.decode()
    assert mailoutbox == []
