"""Sam Jones, a sole trader with data in every app, built through the real actions (and, for the
third-party tables a request fills, as those packages write them).

Sam gardens as "Sam Jones Gardening" (a sole trader: the organisation's details are Sam's), signed up
from 203.0.113.77, was screened, invited a helper and was invited by Acme, registered interest in and
asked about Northshire's procurement, bid with a document, has a supplier profile with a certificate,
lost (so has an assessment summary), has alerts, an API token, a consent withdrawn (a suppression
entry), an objection, a complaint, sessions, two-factor devices and sign-in records. The buyers and
Tenderbox staff who dealt with Sam have their own records of it (Ian, Jo, Pat).
"""

import uuid
from datetime import timedelta
from decimal import Decimal

import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenderbox.accounts.actions import screen_signup
from tenderbox.api.actions import create_token
from tenderbox.evaluation import actions as evaluation
from tenderbox.notifications.actions import create_alert, send_email
from tenderbox.notifications.models import AlertDelivery
from tenderbox.organisations.actions import invite_member, register_organisation
from tenderbox.organisations.models import Role
from tenderbox.privacy.actions import (
    give_marketing_consent,
    object_to,
    submit_complaint,
    withdraw_marketing_consent,
)
from tenderbox.privacy.holds import lift_legal_hold, place_legal_hold
from tenderbox.privacy.models import Breach, RetentionNotice
from tenderbox.submissions import actions as sub
from tenderbox.submissions.forms import ResponseForm
from tenderbox.tenders import actions as tenders
from tests.conftest import make_user, pdf_upload, response_post, submit_tender, supplier_details

SAM_EMAIL = "sam.jones@gardener.example"
SAM_NAME = "Sam Jones"
SAM_PHONE = "07700 900123"
SAM_IP = "203.0.113.77"


def web(ip: str = SAM_IP):
    """A request as the web server sees it (for the addresses audit events record)."""
    return RequestFactory().post("/", REMOTE_ADDR=ip)


def build_sam(*, procurement, ian, jo, helen, carol, brightside, acme, alice, pat, client):
    sam = make_user(SAM_EMAIL, SAM_NAME, phone=SAM_PHONE)
    org = register_organisation(
        by=sam,
        request=web(),
        **supplier_details(
            "Sam Jones Gardening",
            "",
            is_sole_trader=True,
            contact_email=SAM_EMAIL,
            phone=SAM_PHONE,
            trading_name="Jones the Garden",
            vat_number="GB123456789",
        ),
    )
    screen_signup(sam, ip=SAM_IP, organisation={"name": org.name, "is_sole_trader": True}, request=web())
    sam.groups.add(Group.objects.create(name="Pilot users"))
    sam.user_permissions.add(Permission.objects.get(codename="view_group"))
    invite_member(org, "helper@example.com", Role.BIDDER, by=sam, request=web())
    invite_member(acme, SAM_EMAIL, Role.BIDDER, by=alice)

    # The procurement: interest, a question Ian answers, a tender with a document, the profile.
    tenders.register_interest(procurement, org, by=sam, request=web())
    question = tenders.ask_question(procurement, org, by=sam, question="Can sole traders bid for one park?")
    tenders.answer_question(question, by=ian, answer="Yes, for any lot.")
    tenders.amend(procurement, by=ian, reason="A park was added", summary="Lot 2 includes Low Park.")
    procurement.refresh_from_db()
    sub.save_profile(
        org,
        {
            "public_liability_cover": "5000000",
            "employers_liability_cover": "",
            "accreditations": "RHS Level 2",
        },
        by=sam,
    )
    sub.add_profile_document(org, pdf_upload("insurance.pdf"), kind="insurance", by=sam)
    response = sub.start_response(procurement, org, by=sam)
    sub.attach_document(response, pdf_upload("method-statement.pdf"), by=sam)
    content = sub.load_draft(response)
    form = ResponseForm(response_post(procurement, price="140000"), procurement=procurement, content=content)
    assert form.is_valid(), form.errors
    sub.save_draft(response, form.content(content), by=sam)
    sam_version = sub.submit(response, by=sam, idempotency_key=uuid.uuid4().hex)
    rival = submit_tender(procurement, brightside, carol, price="120000")

    # Opening, evaluation and award: Brightside wins, Sam gets an assessment summary.
    with time_machine.travel(procurement.submission_deadline + timedelta(seconds=1), tick=False):
        sub.approve_opening(procurement, by=helen)
        sub.approve_opening(procurement, by=ian)
        procurement.refresh_from_db()
        assignment = evaluation.assign(procurement, jo, by=ian)
        evaluation.declare(assignment, by=jo, conflict=False)
        quality = procurement.criteria.get(kind="quality")
        for version, mark in ((sam_version, 3), (rival, 4)):
            evaluation.score(assignment, version, quality, value=mark, justification=f"Scored {mark}")
            evaluation.moderate(version, quality, value=mark, reason=f"Agreed {mark}", by=ian)
            for q in procurement.selection_questions.all():
                evaluation.mark_selection(version, q, passed=True, reason="", by=ian)
        evaluation.award(procurement, by=ian, winners={})

    # Communications and alerts.
    alert = create_alert(
        sam,
        name="Parks",
        cpv_codes=[procurement.main_cpv],
        regions=["TLE"],
        keywords="parks",
        value_min=None,
        value_max=None,
        frequency="daily",
    )
    message = send_email(
        to=SAM_EMAIL,
        subject="New opportunity",
        template="privacy/email/marketing.txt",
        context={"user": sam, "body": "Parks", "unsubscribe": ""},
        purpose="opportunity_alerts",
    )
    AlertDelivery.objects.create(subscription=alert, procurement=procurement, message=message)

    # Consent, objection, complaint, a hold placed and lifted, a notice, an API token.
    give_marketing_consent(sam, source="account page", request=web())
    withdraw_marketing_consent(sam, via="account page", request=web())
    object_to(sam, "statistics", request=web())
    submit_complaint(name=SAM_NAME, email=SAM_EMAIL, details="Too many emails.", user=sam)
    hold = place_legal_hold(by=pat, reason="Claim 2026/14", user=sam)
    lift_legal_hold(hold, by=pat)
    RetentionNotice.objects.create(
        user=sam, activity_at=sam.date_joined, warned_at=timezone.now(), removal_on=timezone.localdate()
    )
    token, _ = create_token(org, by=sam, name="Bookkeeping", scope="read", days=30, request=web())
    token.last_used_at = timezone.now()
    token.save(update_fields=["last_used_at"])

    # Sign-in records and devices, as django-axes, sessions and django-otp write them.
    client.force_login(sam, backend="tenderbox.accounts.backends.EmailBackend")
    now = timezone.now()
    axes = {"user_agent": "Firefox", "ip_address": SAM_IP, "username": SAM_EMAIL, "http_accept": "*/*"}
    AccessAttempt.objects.create(
        **axes,
        path_info="/account/sign-in",
        attempt_time=now,
        get_data="",
        post_data="",
        failures_since_start=1,
    )
    AccessLog.objects.create(**axes, path_info="/account/sign-in", attempt_time=now, session_hash="abc")
    AccessFailureLog.objects.create(**axes, path_info="/account/sign-in", attempt_time=now, locked_out=False)
    TOTPDevice.objects.create(user=sam, name="Phone", confirmed=True)
    static = StaticDevice.objects.create(user=sam, name="Recovery", confirmed=True)
    StaticToken.objects.create(device=static, token="a1b2c3d4")

    # Staff records: Pat recorded a breach and changed Sam's account in the admin site.
    Breach.objects.create(
        description="Test", became_aware_at=now, recorded_by=pat, risk_to_people=False, high_risk=False
    )
    LogEntry.objects.create(
        user=pat,
        content_type=ContentType.objects.get_for_model(sam),
        object_id=str(sam.pk),
        object_repr=str(sam),  # as the admin site writes it: the person's name
        action_flag=ADDITION,
        change_message="Checked the account",
    )
    # A privacy notice version Pat published, which Sam was emailed, saw and accepted.
    from tenderbox.privacy.notice_models import NoticeAcknowledgement, NoticeVersion

    notice = NoticeVersion.objects.create(
        version="2026-12-01", summary="Data requests online", effective_on=now.date(), published_by=pat
    )
    NoticeAcknowledgement.objects.create(
        user=sam, notice=notice, emailed_at=now, seen_at=now, accepted_at=now, accepted_via="banner"
    )

    # Requests: answered, restricted (with notice of lifting), extended with a fee, refused, one made
    # by a representative and checked, and one waiting with its authority document.
    from datetime import date

    from tenderbox.lib.uploads import check_upload
    from tenderbox.privacy import requests

    def own(kind, **extra):
        return requests.make_request(
            kind=kind, user=sam, subject_name=SAM_NAME, subject_email=SAM_EMAIL, request=web(), **extra
        )

    requests.fulfil_access(own("access"), by=pat)
    requests.fulfil_restriction(own("restriction", details="While I check my details"), by=pat)
    requests.give_lifting_notice(sam.restrictions.get(), by=pat, lifts_on=date.today() + timedelta(days=14))
    portability = own("portability")
    requests.extend(portability, months=1, reasons="Ten years of records", by=pat)
    requests.ask_fee(
        portability, ground="further_copy", amount=Decimal("5.00"), reason="A second copy", by=pat
    )
    requests.fee_paid(portability, by=pat)
    requests.refuse(
        own("objection", objection_purpose="opportunity_alerts"), reason="Compelling grounds", by=pat
    )

    def by_robin():
        return requests.make_request(
            kind="access",
            subject_name=SAM_NAME,
            subject_email=SAM_EMAIL,
            representative_name="Robin Agent",
            representative_email="robin@agents.example",
            authority=check_upload(pdf_upload("authority.pdf")),
            request=web("198.51.100.5"),
        )

    checked = by_robin()
    checked.email_confirmed_at = timezone.now()
    checked.status = "awaiting_verification"
    checked.save(update_fields=["email_confirmed_at", "status"])
    requests.verify(checked, by=pat, note="Letter of authority signed by Sam; called Sam back")
    by_robin()
    sam.refresh_from_db()
    return sam, org
