"""Complaints, the processors register and the breach log's 72-hour clock."""

from datetime import timedelta

from django.utils import timezone

from tenderbox.privacy.actions import close_complaint
from tenderbox.privacy.models import Breach, Complaint, Processor


def test_a_complaint_is_acknowledged_and_closed_with_the_right_to_go_to_the_ico(
    client, db, alice, commit, mailoutbox
):
    with commit():
        response = client.post(
            "/privacy/complaint",
            {
                "name": "Pat Smith",
                "email": "pat@example.com",
                "details": "You emailed me after I withdrew consent.",
            },
        )
    assert response.status_code == 200 and "Complaint received" in response.content.decode()
    complaint = Complaint.objects.get()
    assert (complaint.status, complaint.acknowledged_at is not None) == ("acknowledged", True)
    assert complaint.acknowledge_by == complaint.received_at + timedelta(days=30)
    assert [m.subject for m in mailoutbox] == ["We have received your complaint"]
    with commit():
        close_complaint(complaint, outcome="We found the cause and fixed it.", by=alice)
    assert "Information Commissioner's Office" in mailoutbox[-1].body
    assert "We found the cause and fixed it." in mailoutbox[-1].body
    assert Complaint.objects.get().status == "closed"


def test_an_empty_complaint_is_refused(client, db):
    response = client.post("/privacy/complaint", {})
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_the_privacy_page_lists_the_processors(client, db):
    Processor.objects.create(
        name="Example Hosting Ltd",
        service="Hosting",
        data_processed="All portal data",
        location="UK",
        due_diligence_on=timezone.localdate(),
        agreement_in_place=True,
    )
    page = client.get("/privacy").content.decode()
    assert "Example Hosting Ltd: Hosting (All portal data; processed in UK)" in page


def test_a_breach_report_is_due_within_72_hours(alice):
    aware = timezone.now() - timedelta(hours=73)
    breach = Breach.objects.create(description="Misdirected email", became_aware_at=aware, recorded_by=alice)
    assert breach.ico_deadline == aware + timedelta(hours=72)
    assert breach.report_overdue() is True
    breach.reported_to_ico_at = timezone.now()
    assert breach.report_overdue() is False
    assert Breach(became_aware_at=aware, risk_to_people=False).report_overdue() is False


def test_staff_see_the_registers_in_the_admin_site(client, db, alice):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import make_user, sign_in

    officer = make_user("po@tenderbox.example", "Pat Officer", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=officer, name="App", key="00" * 20, confirmed=True)
    Breach.objects.create(description="Lost laptop", became_aware_at=timezone.now(), recorded_by=officer)
    Complaint.objects.create(name="Pat", email="pat@example.com", details="x")
    sign_in(client, officer)
    for path in ("/admin/privacy/breach/", "/admin/privacy/complaint/", "/admin/privacy/processor/"):
        assert client.get(path).status_code == 200, path
