"""The permission matrix: every URL of the site and every API endpoint, attacked by four kinds of caller.

For each page (a URL name from the resolver) and each API operation (from the OpenAPI schema) the tables
below say how to build its arguments and what each caller gets:

- `anonymous`: nobody signed in (pages: LOGIN, a redirect to the sign-in page; the API: 401);
- `other`: a person of another organisation of the same kind (they may not learn the object exists: 404);
- `member`: a member of the right organisation without the role (403, or 404 where even the object is
  personal to someone else, e.g. another evaluator's assignment);
- `right`: a person with the role, who is let in.

Each cell is `(persona, status)` or, where a kind of caller makes no sense, a string saying why (`NA(...)`).
Every method the view accepts (GET and POST for pages, the operation's own method for the API) is tried
by every refused caller, and methods the view does not accept must answer 405. Every refused request
must leave the database exactly as it was: all rows of all tables, so also the audit chain's head, are
compared before and after. The right role's writes run inside a savepoint that is rolled back.

The tests fail when a URL name or an API operation exists that the tables do not classify, so a new
app cannot add a door without saying who may open it.

Adding a row (a new app): build what your URLs need in `World` (through the real actions), then add
one `Page(...)` per URL name to PAGES, keyed "namespace:name", and one `Endpoint(...)` per operation to
ENDPOINTS, keyed "METHOD /api/v1/path/{param}" exactly as in /api/v1/openapi.json. Pick the personas
from the ones listed in `World.personas` (or add one there). Run `pytest tests/test_permission_matrix.py`:
the failure message lists every cell that does not hold, with what the caller got.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.conftest import draft_procurement, make_user, sign_in

LOGIN = "login"  # a redirect to /account/sign-in?next=...
ADMIN_LOGIN = "admin-login"  # a redirect to /admin/login/?next=...


@dataclass(frozen=True)
class NA:
    """A caller that makes no sense for this URL, and why."""

    why: str


@dataclass(frozen=True)
class Page:
    """A URL name of the site. `methods` are the methods the view accepts."""

    args: Callable = lambda w: {}
    methods: tuple = ("GET", "POST")
    anonymous: object = LOGIN
    other: object = NA("nothing belongs to an organisation here")
    member: object = NA("no role is needed")
    right: object = None
    data: Callable = lambda w: {}  # extra POST fields (added to the generic attack payload)


@dataclass(frozen=True)
class Endpoint:
    """One API operation. `body` is a valid request body: a refused caller must be refused for who
    they are, not for a malformed request."""

    args: Callable = lambda w: {}
    anonymous: object = 401
    other: object = NA("nothing belongs to an organisation here")
    member: object = NA("no role is needed")
    right: object = None
    body: Callable | None = None
    multipart: bool = False
    form: Callable | None = None  # extra multipart fields
    query: dict = field(default_factory=dict)


# A generic attack payload: every field a form could want, so a view that forgot its permission check
# would act on it.
ATTACK = {
    "title": "Hijacked",
    "description": "Hijacked",
    "reason": "Hijacked",
    "summary": "Hijacked",
    "question": "Hijacked?",
    "answer": "Hijacked",
    "email": "mallory@example.com",
    "role": "admin",
    "name": "Hijacked",
    "scope": "write",
    "days": "30",
    "action": "submit",
    "idempotency_key": "matrix",
    "decision": "clear",
    "conflict": "no",
    "declaration": "on",
    "confirm": "yes",
    "full_name": "Mallory",
    "value_excl_vat": "1000",
    "weight": "10",
    "kind": "quality",
    "score": "5",
    "justification": "Hijacked",
    "passed": "yes",
    "representations": "Hijacked",
}


class World:
    """The data every row needs, built through the real actions.

    Northshire (buyer): Helen admin, Ian buyer, Jo evaluator (assigned and cleared). Southshire (another
    buyer): Rita admin. Acme (supplier): Alice admin, Bob bidder. Brightside (Acme's rival): Carol admin.
    Oscar has no organisation; Sam is Tenderbox staff. `opened` has Acme's and Brightside's tenders and is
    opened; `draft` is Northshire's draft; `published` is open for tenders with Acme's draft response.
    """

    def __init__(self, fixture):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tenderbox.accounts.models import SignupScreening
        from tenderbox.api.actions import create_token
        from tenderbox.evaluation import actions as evaluation
        from tenderbox.notifications.actions import create_alert
        from tenderbox.organisations.actions import invite_member, register_organisation
        from tenderbox.organisations.models import Membership, Organisation
        from tenderbox.submissions import actions as submissions
        from tenderbox.tenders import actions as tenders
        from tests.conftest import TOTP_HEX, pdf_upload

        get = fixture.getfixturevalue
        self.opened, self.acme_version, self.brightside_version = get("opened")
        self.helen, self.ian, self.jo = get("helen"), get("ian"), get("jo")
        self.alice, self.bob, self.carol, self.oscar = get("alice"), get("bob"), get("carol"), get("oscar")
        self.northshire, self.acme, self.brightside = get("northshire"), get("acme"), get("brightside")
        self.rita = make_user("rita@southshire.example", "Rita Moss")
        TOTPDevice.objects.create(user=self.rita, name="App", key=TOTP_HEX, confirmed=True)
        self.southshire = register_organisation(
            by=self.rita,
            kind=Organisation.Kind.BUYER,
            name="Southshire Council",
            authority_type="local_authority",
            address_line_1="Town Hall",
            town="Southampton",
            postcode="SO14 7LY",
            region="TLJ",
        )
        self.sam = make_user("sam@tenderbox.example", "Sam Staff", is_staff=True)
        TOTPDevice.objects.create(user=self.sam, name="App", key=TOTP_HEX, confirmed=True)
        self.dan = make_user("dan@example.com", "Dan New")
        self.screening = SignupScreening.objects.create(user=self.dan, score=60, decision="held")
        self.bobs = Membership.objects.get(user=self.bob)
        self.invitation = invite_member(self.acme, "eve@acme.example", "bidder", by=self.alice)
        self.acme_token = create_token(self.acme, by=self.alice, name="Bids", scope="write", days=30)[0]
        self.alert = create_alert(
            self.alice,
            name="Parks",
            cpv_codes=[],
            regions=["TLE"],
            keywords="",
            value_min=None,
            value_max=None,
            frequency="instant",
        )
        self.assignment = evaluation.assign(self.opened, self.jo, by=self.ian)
        evaluation.declare(self.assignment, by=self.jo, conflict=False)
        self.draft = draft_procurement(self.northshire, self.ian, title="Street lighting")
        self.published = tenders.publish(
            draft_procurement(self.northshire, self.ian, title="Winter gritting"), by=self.ian
        )
        self.clarification = tenders.ask_question(
            self.published, self.acme, by=self.alice, question="Are depots provided?"
        )
        self.response = submissions.start_response(self.published, self.acme, by=self.alice)
        self.response_document = submissions.attach_document(
            self.response, pdf_upload("method.pdf"), by=self.alice
        )
        self.profile_document = submissions.add_profile_document(
            self.acme, pdf_upload("insurance.pdf"), kind="insurance", by=self.alice
        )
        self.document = self.published.documents.get()
        self.tender_document_id = str(uuid.uuid4())
        # API tokens (read and write) for every persona who acts for an organisation.
        self.tokens = {}
        for user, org in (
            (self.helen, self.northshire),
            (self.ian, self.northshire),
            (self.jo, self.northshire),
            (self.rita, self.southshire),
            (self.alice, self.acme),
            (self.bob, self.acme),
            (self.carol, self.brightside),
        ):
            self.tokens[user.email.split("@")[0]] = create_token(
                org, by=user, name="Matrix", scope="write", days=30
            )[1]
        self._contract_portal()

    def _contract_portal(self):
        """Northshire owns the live Facilities framework (Acme on both lots, Brightside on lot 1) and a
        draft one; it calls off lot 2 to Acme (`contract`), with a KPI, Acme's MI return for July 2026
        and the fee invoice for it. Sam has published the privacy notice."""
        from datetime import date
        from decimal import Decimal

        from tenderbox.contracts.actions import let_contract
        from tenderbox.frameworks import actions as frameworks
        from tenderbox.frameworks.models import Appointment
        from tenderbox.performance import actions as performance
        from tenderbox.privacy.notices import publish_notice
        from tenderbox.spend import actions as spend
        from tests.conftest import pdf_upload
        from tests.framework_fixtures import draft_framework
        from tests.spend_fixtures import csv_file, line

        self.framework_draft = draft_framework(self.northshire, self.ian, title="Highways")
        self.framework = draft_framework(self.northshire, self.ian)
        self.framework_document = frameworks.add_document(
            self.framework, pdf_upload("terms.pdf"), title="Terms", by=self.ian
        )
        frameworks.go_live(self.framework, by=self.ian)
        frameworks.import_appointments(
            self.framework,
            b"lot,companies_house_number\n1,04112233\n1,SC412345\n2,04112233\n",
            by=self.ian,
            reason="Award notice FTS-2026-001234",
        )
        self.framework.refresh_from_db()
        self.lot = self.framework.lots.get(number=2)
        self.appointment = Appointment.objects.get(lot=self.lot, supplier=self.acme)
        self.contract = let_contract(
            buyer=self.northshire,
            supplier=self.acme,
            by=self.ian,
            route="direct_award",
            justification="Ranked first on price for the region.",
            title="Cleaning of county offices",
            description="Daily cleaning of 12 offices.",
            category="services",
            value_excl_vat=Decimal("200000.00"),
            starts_on=date(2026, 7, 1),
            ends_on=date(2027, 6, 30),
            delivery_postcode="DL7 8AD",
            delivery_region="TLE",
            framework_lot=self.lot,
        )
        self.kpi = performance.define_kpi(
            by=self.ian,
            name="Response time",
            unit="hours",
            target=4,
            period="monthly",
            direction="lower",
            contract=self.contract,
        )
        self.mi_return = spend.submit_return(
            supplier=self.acme,
            by=self.alice,
            period=date(2026, 7, 1),
            contract=self.contract,
            uploaded=csv_file(line(ref=self.contract.reference, invoice_date="2026-07-10")),
        ).mi_return
        self.fee_invoice = spend.issue_fee_invoice(self.framework, self.acme, date(2026, 7, 1), by=self.ian)[
            0
        ]
        self.notice = publish_notice(
            version="2026-12", effective_on=timezone.localdate(), summary="First version.", by=self.sam
        )
        from tenderbox.lib.uploads import check_upload
        from tenderbox.privacy import requests as subject_requests

        self.subject_request = subject_requests.make_request(
            kind="rectification",
            details="My surname is misspelt.",
            user=self.alice,
            subject_name="Alice Green",
            subject_email=self.alice.email,
        )
        self.represented = subject_requests.make_request(
            kind="access",
            subject_name="Oscar Out",
            subject_email=self.oscar.email,
            representative_name="Robin",
            representative_email="robin@agents.example",
            authority=check_upload(pdf_upload("authority.pdf")),
        )
        self.evidence = self.represented.evidence.first()

    personas = ("helen", "ian", "jo", "rita", "alice", "bob", "carol", "oscar", "sam")

    def user(self, name):
        return getattr(self, name)


def _procurement(attr):
    return lambda w: {"procurement_id": getattr(w, attr).pk}


def _respond(w, **extra):
    return {"reference": w.published.reference, "supplier_id": w.acme.pk, **extra}


ACME = lambda w: {"org_id": w.acme.pk}  # noqa: E731
NORTHSHIRE = lambda w: {"org_id": w.northshire.pk}  # noqa: E731
OPENED, DRAFT, PUBLISHED = _procurement("opened"), _procurement("draft"), _procurement("published")
TOKEN_IS_THE_CREDENTIAL = NA("the signed token in the link is the credential")
SUPPLIER_ROLES = NA("every role of a supplier (admin, bidder) may bid")
ANY_SIGNED_IN = NA("anyone signed in may, for themselves")
# Views that take no form but have no require_GET: a POST gets the same answer as a GET (so the
# refusals hold for both methods; nothing is written).
ANSWERS_POST = ("GET", "POST")

CONTRACT = lambda w: {"contract_id": w.contract.pk}  # noqa: E731
FRAMEWORK = lambda w: {"framework_id": w.framework.pk}  # noqa: E731
FRAMEWORK_DRAFT = lambda w: {"framework_id": w.framework_draft.pk}  # noqa: E731
FRAMEWORK_REF = lambda w: {"reference": w.framework.reference}  # noqa: E731
CALL_OFF = lambda w: {"org_id": w.northshire.pk, "lot_id": w.lot.pk}  # noqa: E731
SUPPLIER = lambda w: {"supplier_id": w.acme.pk}  # noqa: E731

# Pages ------------------------------------------------------------------------------------------
PAGES = {
    # Public pages: everyone gets them.
    "portal:home": Page(methods=ANSWERS_POST, anonymous=200),
    "portal:privacy": Page(methods=ANSWERS_POST, anonymous=200),
    "portal:cookies": Page(anonymous=200),
    "portal:accessibility": Page(methods=ANSWERS_POST, anonymous=200),
    "portal:contact": Page(methods=ANSWERS_POST, anonymous=200),
    "portal:health": Page(methods=ANSWERS_POST, anonymous=200),
    "tenders:search": Page(methods=ANSWERS_POST, anonymous=200),
    "tenders:feed": Page(methods=ANSWERS_POST, anonymous=200),
    "publishing:registers": Page(methods=ANSWERS_POST, anonymous=200),
    "publishing:register": Page(args=lambda w: {"slug": "contracts"}, methods=ANSWERS_POST, anonymous=200),
    "publishing:statistics": Page(methods=("GET",), anonymous=200),
    "publishing:statistic": Page(args=lambda w: {"slug": "sme-share"}, methods=("GET",), anonymous=200),
    "tenders:opportunity": Page(
        args=lambda w: {"reference": w.published.reference}, methods=ANSWERS_POST, anonymous=200
    ),
    "tenders:document": Page(
        args=lambda w: {"reference": w.published.reference, "document_id": w.document.pk},
        methods=ANSWERS_POST,
        anonymous=200,
    ),
    "privacy:complaint": Page(anonymous=200),
    # Signing up and in: for anonymous visitors.
    "accounts:sign-up": Page(anonymous=200, right=NA("anonymous visitors sign up")),
    "accounts:check-email": Page(methods=ANSWERS_POST, anonymous=200),
    "accounts:resend-verification": Page(anonymous=200),
    "accounts:sign-in": Page(anonymous=200),
    "accounts:sign-in-two-factor": Page(anonymous=302),  # no password step yet: back to sign-in
    "accounts:password-reset": Page(anonymous=200),
    "accounts:sign-out": Page(anonymous=200, right=("alice", 200)),
    "accounts:verify-email": Page(
        args=lambda w: {"token": "forged"}, methods=ANSWERS_POST, anonymous=400, right=TOKEN_IS_THE_CREDENTIAL
    ),
    "accounts:password-reset-confirm": Page(
        args=lambda w: {"uidb64": "MQ", "token": "forged"}, anonymous=400, right=TOKEN_IS_THE_CREDENTIAL
    ),
    "notifications:alert-unsubscribe": Page(
        args=lambda w: {"token": "forged"}, anonymous=400, right=TOKEN_IS_THE_CREDENTIAL
    ),
    "privacy:marketing-unsubscribe": Page(
        args=lambda w: {"token": "forged"}, anonymous=400, right=TOKEN_IS_THE_CREDENTIAL
    ),
    "organisations:accept-invitation": Page(
        args=lambda w: {"token": "forged"}, anonymous=404, right=TOKEN_IS_THE_CREDENTIAL
    ),
    # A person's own account pages.
    "accounts:dashboard": Page(methods=ANSWERS_POST, other=ANY_SIGNED_IN, right=("oscar", 200)),
    "accounts:profile": Page(other=ANY_SIGNED_IN, right=("oscar", 200)),
    "accounts:two-factor": Page(other=ANY_SIGNED_IN, right=("oscar", 200)),
    # Codes are shown once, right after they are made; otherwise back to the two-factor page.
    "accounts:recovery-codes": Page(methods=ANSWERS_POST, right=("helen", 302)),
    "accounts:regenerate-recovery-codes": Page(methods=("POST",), right=("helen", 302)),
    "accounts:disable-two-factor": Page(right=("alice", 200)),
    "accounts:held": Page(right=("dan", 200)),
    "notifications:alerts": Page(right=("alice", 200)),
    "notifications:stop-alert": Page(
        args=lambda w: {"subscription_id": w.alert.pk},
        methods=("POST",),
        other=("carol", 404),
        right=("alice", 302),
    ),
    "privacy:marketing": Page(right=("alice", 200)),
    "organisations:list": Page(methods=ANSWERS_POST, right=("alice", 200)),
    "organisations:register": Page(right=("oscar", 200)),
    # Staff only.
    "accounts:reviews": Page(methods=ANSWERS_POST, member=("ian", 403), right=("sam", 200)),
    "accounts:review": Page(
        args=lambda w: {"screening_id": w.screening.pk}, member=("ian", 403), right=("sam", 200)
    ),
    # An organisation's own pages: members see, admins manage.
    "organisations:detail": Page(
        args=ACME,
        methods=ANSWERS_POST,
        other=("carol", 404),
        right=("bob", 200),
        member=NA("any member sees"),
    ),
    "organisations:edit": Page(args=ACME, other=("carol", 404), member=("bob", 403), right=("alice", 200)),
    "organisations:invite": Page(args=ACME, other=("carol", 404), member=("bob", 403), right=("alice", 200)),
    "organisations:leave": Page(args=ACME, other=("carol", 404), right=("bob", 200), member=NA("any member")),
    "organisations:change-role": Page(
        args=lambda w: {"org_id": w.acme.pk, "membership_id": w.bobs.pk},
        methods=("POST",),
        other=("carol", 404),
        member=("bob", 403),
        right=("alice", 302),
        data=lambda w: {"role": "admin"},
    ),
    "organisations:remove-member": Page(
        args=lambda w: {"org_id": w.acme.pk, "membership_id": w.bobs.pk},
        other=("carol", 404),
        member=("bob", 403),
        right=("alice", 200),
    ),
    "organisations:revoke-invitation": Page(
        args=lambda w: {"org_id": w.acme.pk, "invitation_id": w.invitation.pk},
        methods=("POST",),
        other=("carol", 404),
        member=("bob", 403),
        right=("alice", 302),
    ),
    "api-tokens:list": Page(args=ACME, other=("carol", 404), member=("bob", 403), right=("alice", 200)),
    "api-tokens:revoke": Page(
        args=lambda w: {"org_id": w.acme.pk, "token_id": w.acme_token.pk},
        methods=("POST",),
        other=("carol", 404),
        member=("bob", 403),
        right=("alice", 302),
    ),
    # A supplier's pages: its admins and bidders only.
    "submissions:profile": Page(args=ACME, other=("carol", 404), member=SUPPLIER_ROLES, right=("bob", 200)),
    "submissions:profile-document": Page(
        args=ACME, methods=("POST",), other=("carol", 404), member=SUPPLIER_ROLES, right=("bob", 400)
    ),
    "submissions:remove-profile-document": Page(
        args=lambda w: {"org_id": w.acme.pk, "document_id": str(w.profile_document.pk)},
        methods=("POST",),
        other=("carol", 404),
        member=SUPPLIER_ROLES,
        right=("alice", 302),
    ),
    "tenders:register-interest": Page(
        args=lambda w: {"reference": w.published.reference},
        methods=("POST",),
        other=("ian", 404),  # a buyer has no supplier to register
        member=SUPPLIER_ROLES,
        right=("bob", 302),
        data=lambda w: {"supplier": w.acme.pk},
    ),
    "tenders:ask": Page(
        args=lambda w: {"reference": w.published.reference, "supplier_id": w.acme.pk},
        other=("carol", 404),
        member=SUPPLIER_ROLES,
        right=("bob", 200),
    ),
    "submissions:respond": Page(
        args=_respond, other=("carol", 404), member=SUPPLIER_ROLES, right=("bob", 200)
    ),
    "submissions:upload": Page(
        args=_respond, methods=("POST",), other=("carol", 404), member=SUPPLIER_ROLES, right=("bob", 400)
    ),
    "submissions:own-document": Page(
        args=lambda w: _respond(w, document_id=str(w.response_document.pk)),
        methods=ANSWERS_POST,
        other=("carol", 404),
        member=SUPPLIER_ROLES,
        right=("bob", 200),
    ),
    "submissions:remove-document": Page(
        args=lambda w: _respond(w, document_id=str(w.response_document.pk)),
        methods=("POST",),
        other=("carol", 404),
        member=SUPPLIER_ROLES,
        right=("alice", 302),
    ),
    "submissions:withdraw": Page(
        args=_respond, methods=("POST",), other=("carol", 404), member=SUPPLIER_ROLES, right=("alice", 409)
    ),
    "submissions:receipt": Page(
        args=lambda w: {
            "reference": w.opened.reference,
            "supplier_id": w.acme.pk,
            "version_id": str(w.acme_version.pk),
        },
        methods=ANSWERS_POST,
        other=("carol", 404),
        member=SUPPLIER_ROLES,
        right=("bob", 200),
    ),
    "evaluation:assessment": Page(
        args=lambda w: {"reference": w.opened.reference, "supplier_id": w.acme.pk},
        methods=ANSWERS_POST,
        other=("carol", 404),
        member=SUPPLIER_ROLES,
        right=("alice", 404),  # no summary before the award
    ),
    # A buyer's pages: the authority's admins and buyers; evaluators are members without the role.
    "tenders:buying": Page(methods=ANSWERS_POST, right=("ian", 200)),
    # An evaluator is not offered the authority to start a procurement for: not found.
    "tenders:new": Page(args=NORTHSHIRE, other=("rita", 404), member=("jo", 404), right=("ian", 200)),
    "tenders:manage": Page(args=DRAFT, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "tenders:edit": Page(args=DRAFT, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "tenders:add-lot": Page(args=DRAFT, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "tenders:add-criterion": Page(args=DRAFT, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "tenders:add-question": Page(args=DRAFT, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "tenders:add-document": Page(args=DRAFT, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "tenders:draft-change": Page(
        args=lambda w: {"procurement_id": w.draft.pk, "what": "lot-remove"},
        methods=("POST",),
        other=("rita", 404),
        member=("jo", 403),
        right=("ian", 302),
        data=lambda w: {"id": w.draft.lots.first().pk},
    ),
    "tenders:publish": Page(
        args=DRAFT, methods=("POST",), other=("rita", 404), member=("jo", 403), right=("ian", 302)
    ),
    "tenders:amend": Page(args=PUBLISHED, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "tenders:cancel": Page(args=PUBLISHED, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "tenders:new-clarification": Page(
        args=PUBLISHED, other=("rita", 404), member=("jo", 403), right=("ian", 200)
    ),
    "tenders:answer": Page(
        args=lambda w: {"procurement_id": w.published.pk, "clarification_id": w.clarification.pk},
        other=("rita", 404),
        member=("jo", 403),
        right=("ian", 200),
    ),
    "submissions:opening": Page(args=OPENED, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "submissions:tenders": Page(
        args=OPENED, methods=ANSWERS_POST, other=("rita", 404), member=("jo", 403), right=("ian", 200)
    ),
    "submissions:tender": Page(
        args=lambda w: {"procurement_id": w.opened.pk, "version_id": str(w.acme_version.pk)},
        methods=ANSWERS_POST,
        other=("rita", 404),
        member=("jo", 403),
        right=("ian", 200),
    ),
    "submissions:tender-document": Page(
        args=lambda w: {
            "procurement_id": w.opened.pk,
            "version_id": str(w.acme_version.pk),
            "document_id": w.tender_document_id,
        },
        methods=ANSWERS_POST,
        other=("rita", 404),
        member=("jo", 403),
        right=("ian", 404),  # a document id the tender does not have
    ),
    "evaluation:manage": Page(args=OPENED, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "evaluation:selection": Page(
        args=lambda w: {"procurement_id": w.opened.pk, "version_id": str(w.acme_version.pk)},
        other=("rita", 404),
        member=("jo", 403),
        right=("ian", 200),
    ),
    "evaluation:moderate": Page(
        args=lambda w: {"procurement_id": w.opened.pk, "version_id": str(w.acme_version.pk)},
        other=("rita", 404),
        member=("jo", 403),
        right=("ian", 200),
    ),
    "evaluation:award": Page(args=OPENED, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "evaluation:enter-contract": Page(
        args=OPENED,
        other=("rita", 404),
        member=("jo", 403),
        right=("ian", 200),  # the dates form; entering needs an award and the end of standstill
        data=lambda w: {"starts_on": "2027-01-04", "ends_on": "2028-01-03"},
    ),
    # An evaluator's pages: their own assignments only (a buyer of the same authority is not the evaluator).
    "evaluation:queue": Page(methods=ANSWERS_POST, right=("jo", 200)),
    "evaluation:assignment": Page(
        args=lambda w: {"assignment_id": w.assignment.pk},
        other=("rita", 404),
        member=("ian", 404),
        right=("jo", 200),
    ),
    "evaluation:score": Page(
        args=lambda w: {"assignment_id": w.assignment.pk, "version_id": str(w.acme_version.pk)},
        other=("rita", 404),
        member=("ian", 404),
        right=("jo", 200),
    ),
    # The contract portal. A contract: its buyer's and supplier's members see it (an evaluator too, the
    # contract list being the authority's), its framework owner too; its buyers change it.
    "contracts:list": Page(methods=ANSWERS_POST, right=("ian", 200)),
    "contracts:detail": Page(
        args=CONTRACT,
        methods=ANSWERS_POST,
        other=("carol", 404),
        member=NA("any member of the buyer or the supplier sees it"),
        right=("bob", 200),
    ),
    "contracts:change": Page(args=CONTRACT, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "contracts:terminate": Page(args=CONTRACT, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    # Frameworks: live ones are public; the owner's buyers manage; an authority's buyers call off.
    "frameworks:list": Page(methods=ANSWERS_POST, anonymous=200),
    "frameworks:public": Page(args=FRAMEWORK_REF, methods=ANSWERS_POST, anonymous=200),
    "frameworks:document": Page(
        args=lambda w: {"reference": w.framework.reference, "document_id": w.framework_document.pk},
        methods=ANSWERS_POST,
        anonymous=200,
    ),
    "frameworks:owned": Page(methods=ANSWERS_POST, right=("ian", 200)),
    "frameworks:new": Page(args=NORTHSHIRE, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "frameworks:manage": Page(
        args=FRAMEWORK, methods=ANSWERS_POST, other=("rita", 404), member=("jo", 403), right=("ian", 200)
    ),
    "frameworks:add-lot": Page(
        args=FRAMEWORK_DRAFT, other=("rita", 404), member=("jo", 403), right=("ian", 200)
    ),
    "frameworks:eligibility": Page(
        args=FRAMEWORK_DRAFT, other=("rita", 404), member=("jo", 403), right=("ian", 200)
    ),
    "frameworks:add-document": Page(
        args=FRAMEWORK_DRAFT, other=("rita", 404), member=("jo", 403), right=("ian", 200)
    ),
    "frameworks:go-live": Page(
        args=FRAMEWORK_DRAFT, methods=("POST",), other=("rita", 404), member=("jo", 403), right=("ian", 302)
    ),
    "frameworks:import": Page(args=FRAMEWORK, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "frameworks:appoint-from-award": Page(
        # The right role is refused by the state: this framework was not let by a Tenderbox procurement.
        args=FRAMEWORK,
        methods=("POST",),
        other=("rita", 404),
        member=("jo", 403),
        right=("ian", 409),
    ),
    "frameworks:extend": Page(args=FRAMEWORK, other=("rita", 404), member=("jo", 403), right=("ian", 200)),
    "frameworks:appointment": Page(
        args=lambda w: {
            "framework_id": w.framework.pk,
            "appointment_id": w.appointment.pk,
            "verb": "suspend",
        },
        other=("rita", 404),
        member=("jo", 403),
        right=("ian", 200),
    ),
    "frameworks:competition": Page(
        args=CALL_OFF, other=("rita", 404), member=("jo", 403), right=("ian", 200)
    ),
    "frameworks:direct-award": Page(
        args=CALL_OFF, other=("rita", 404), member=("jo", 403), right=("ian", 200)
    ),
    # Performance: narrower than seeing the contract (an evaluator does not see it); the buyer's buyers
    # set KPIs and rate, the supplier reports, the framework owner's buyers set framework KPIs.
    "performance:index": Page(methods=("GET",), right=("ian", 200)),
    "performance:contract": Page(
        args=CONTRACT, methods=("GET",), other=("carol", 404), member=("jo", 404), right=("bob", 200)
    ),
    "performance:contract-csv": Page(
        args=CONTRACT, methods=("GET",), other=("carol", 404), member=("jo", 404), right=("bob", 200)
    ),
    "performance:contract-kpi-new": Page(
        args=CONTRACT, other=("rita", 404), member=("jo", 404), right=("ian", 200)
    ),
    "performance:rate": Page(args=CONTRACT, other=("rita", 404), member=("jo", 404), right=("ian", 200)),
    "performance:report": Page(
        args=lambda w: {"contract_id": w.contract.pk, "kpi_id": w.kpi.pk},
        other=("carol", 404),
        member=SUPPLIER_ROLES,
        right=("bob", 200),
    ),
    "performance:framework": Page(
        args=FRAMEWORK, methods=("GET",), other=("rita", 404), member=("jo", 404), right=("ian", 200)
    ),
    "performance:framework-csv": Page(
        args=FRAMEWORK, methods=("GET",), other=("rita", 404), member=("jo", 404), right=("ian", 200)
    ),
    "performance:framework-kpi-new": Page(
        args=FRAMEWORK, other=("rita", 404), member=("jo", 404), right=("ian", 200)
    ),
    "performance:supplier": Page(
        args=SUPPLIER, methods=("GET",), other=("carol", 404), member=SUPPLIER_ROLES, right=("bob", 200)
    ),
    "performance:supplier-csv": Page(
        args=SUPPLIER, methods=("GET",), other=("carol", 404), member=SUPPLIER_ROLES, right=("bob", 200)
    ),
    # Spend: the buyer's buyers record, the supplier sends MI returns, the framework owner's buyers
    # issue fee invoices; an evaluator of the buyer is refused.
    "spend:index": Page(methods=ANSWERS_POST, right=("ian", 200)),
    "spend:template": Page(methods=ANSWERS_POST, anonymous=200),
    "spend:contract": Page(
        args=CONTRACT, methods=ANSWERS_POST, other=("carol", 404), member=("jo", 403), right=("ian", 200)
    ),
    "spend:record": Page(args=CONTRACT, other=("carol", 404), member=("jo", 403), right=("ian", 200)),
    "spend:export": Page(
        args=CONTRACT, methods=ANSWERS_POST, other=("carol", 404), member=("jo", 403), right=("ian", 200)
    ),
    "spend:upload": Page(args=CONTRACT, other=("carol", 404), member=SUPPLIER_ROLES, right=("bob", 200)),
    "spend:framework-upload": Page(
        args=lambda w: {"framework_id": w.framework.pk, "supplier_id": w.acme.pk},
        other=("carol", 404),
        member=SUPPLIER_ROLES,
        right=("bob", 200),
    ),
    "spend:return-file": Page(
        args=lambda w: {"return_id": w.mi_return.pk},
        methods=ANSWERS_POST,
        other=("carol", 404),
        member=("jo", 404),
        right=("bob", 200),
    ),
    "spend:framework-fees": Page(
        args=FRAMEWORK, methods=ANSWERS_POST, other=("rita", 404), member=("jo", 403), right=("ian", 200)
    ),
    "spend:issue-fee": Page(
        args=FRAMEWORK,
        methods=("POST",),
        other=("rita", 404),
        member=("jo", 403),
        right=("ian", 302),
        data=lambda w: {"supplier": w.acme.pk, "period": "2026-07"},
    ),
    "spend:fee-invoices": Page(methods=ANSWERS_POST, right=("alice", 200)),
    "spend:fee-invoice": Page(
        args=lambda w: {"invoice_id": w.fee_invoice.pk},
        methods=ANSWERS_POST,
        other=("carol", 404),
        member=("jo", 404),
        right=("alice", 200),
    ),
    # The privacy notice: public; accepting it is for oneself.
    "privacy:notices": Page(methods=ANSWERS_POST, anonymous=200),
    "privacy:notice": Page(args=lambda w: {"version": w.notice.version}, methods=ANSWERS_POST, anonymous=200),
    "privacy:notice-accept": Page(
        args=lambda w: {"version": w.notice.version},
        methods=("POST",),
        other=ANY_SIGNED_IN,
        right=("alice", 302),
    ),
    # Data requests: one's own; the public form and its links; the privacy officer (staff).
    "privacy:your-data": Page(other=ANY_SIGNED_IN, right=("oscar", 200)),
    "privacy:request": Page(
        args=lambda w: {"reference": w.subject_request.reference}, other=("carol", 404), right=("alice", 200)
    ),
    "privacy:public-request": Page(anonymous=200),
    "privacy:confirm-email": Page(
        args=lambda w: {"token": "forged"}, methods=ANSWERS_POST, anonymous=400, right=TOKEN_IS_THE_CREDENTIAL
    ),
    "privacy:download": Page(
        args=lambda w: {"token": "forged"}, anonymous=200, right=TOKEN_IS_THE_CREDENTIAL
    ),
    "privacy:officer-queue": Page(methods=ANSWERS_POST, member=("ian", 403), right=("sam", 200)),
    "privacy:officer-request": Page(
        args=lambda w: {"pk": w.represented.pk}, member=("ian", 403), right=("sam", 200)
    ),
    "privacy:officer-evidence": Page(
        args=lambda w: {"pk": w.represented.pk, "evidence_id": w.evidence.pk},
        methods=ANSWERS_POST,
        member=("ian", 403),
        right=("sam", 200),
    ),
    # The API's own pages (the operations are in ENDPOINTS).
    "api:openapi-json": Page(methods=ANSWERS_POST, anonymous=200),
    "api:openapi-view": Page(methods=ANSWERS_POST, anonymous=200),
}

# Names from the resolver that are not pages of their own.
NOT_PAGES = {"api:api-root": "ninja's root view, the prefix of the API operations"}
ADMIN_NAMESPACE = "admin"  # every admin URL: staff only, checked by the admin test below


# API operations ---------------------------------------------------------------------------------
def _submission_body(w):
    return {"idempotency_key": "matrix"}


def _procurement_body(w):
    now = timezone.now()
    return {
        "title": "Hijacked",
        "description": "Hijacked",
        "category": "goods",
        "main_cpv": "22113000-5",
        "value_excl_vat": "300000",
        "vat": "60000",
        "region": "TLE",
        "procedure": "open",
        "clarification_deadline": (now + timedelta(days=20)).isoformat(),
        "submission_deadline": (now + timedelta(days=30)).isoformat(),
        "expected_award_date": (now + timedelta(days=45)).date().isoformat(),
    }


OPP = lambda w: {"reference": w.published.reference}  # noqa: E731
OPENED_OPP = lambda w: {"reference": w.opened.reference}  # noqa: E731
API_SUPPLIER = {"other": ("ian", 404), "member": SUPPLIER_ROLES}  # a buyer's token has no supplier
API_BUYER = {"other": ("rita", 404), "member": ("jo", 403)}
API_EVALUATOR = {"other": ("rita", 404), "member": ("ian", 404)}
VERSION = lambda w: {"procurement_id": w.opened.pk, "version_id": str(w.acme_version.pk)}  # noqa: E731
QUALITY = lambda w: str(w.opened.criteria.get(kind="quality").pk)  # noqa: E731

ENDPOINTS = {
    "GET /api/v1/me": Endpoint(right=("alice", 200), other=ANY_SIGNED_IN),
    "GET /api/v1/opportunities": Endpoint(anonymous=200),
    "GET /api/v1/opportunities/{reference}": Endpoint(args=OPP, anonymous=200),
    "GET /api/v1/organisations/{org_id}/members": Endpoint(
        args=ACME, other=("carol", 404), right=("bob", 200), member=NA("any member sees")
    ),
    "POST /api/v1/opportunities/{reference}/interest": Endpoint(
        args=OPP, body=lambda w: {}, right=("bob", 201), **API_SUPPLIER
    ),
    "POST /api/v1/opportunities/{reference}/questions": Endpoint(
        args=OPP, body=lambda w: {"question": "Hijacked?"}, right=("bob", 201), **API_SUPPLIER
    ),
    "GET /api/v1/opportunities/{reference}/response": Endpoint(args=OPP, right=("bob", 200), **API_SUPPLIER),
    "PUT /api/v1/opportunities/{reference}/response": Endpoint(
        args=OPP, body=lambda w: {"declaration": True}, right=("bob", 200), **API_SUPPLIER
    ),
    "POST /api/v1/opportunities/{reference}/response/documents": Endpoint(
        args=OPP, multipart=True, right=("bob", 201), **API_SUPPLIER
    ),
    "POST /api/v1/opportunities/{reference}/response/submit": Endpoint(
        args=OPP,
        body=_submission_body,
        right=("bob", 400),
        **API_SUPPLIER,  # the draft is incomplete
    ),
    "POST /api/v1/opportunities/{reference}/response/withdraw": Endpoint(
        args=OPP,
        body=lambda w: {},
        right=("bob", 409),
        **API_SUPPLIER,  # nothing submitted yet
    ),
    "GET /api/v1/opportunities/{reference}/assessment-summary": Endpoint(
        args=OPENED_OPP,
        right=("alice", 404),
        **API_SUPPLIER,  # none before the award
    ),
    "GET /api/v1/procurements": Endpoint(right=("ian", 200), other=ANY_SIGNED_IN),
    "POST /api/v1/procurements": Endpoint(
        body=_procurement_body, other=("alice", 404), member=("jo", 404), right=("ian", 201)
    ),
    "GET /api/v1/procurements/{procurement_id}": Endpoint(args=DRAFT, right=("ian", 200), **API_BUYER),
    "PATCH /api/v1/procurements/{procurement_id}": Endpoint(
        args=DRAFT, body=lambda w: {"title": "Hijacked"}, right=("ian", 200), **API_BUYER
    ),
    "POST /api/v1/procurements/{procurement_id}/lots": Endpoint(
        args=DRAFT,
        body=lambda w: {"title": "Hijacked", "value_excl_vat": "1000"},
        right=("ian", 201),
        **API_BUYER,
    ),
    "POST /api/v1/procurements/{procurement_id}/criteria": Endpoint(
        args=DRAFT,
        body=lambda w: {"kind": "quality", "name": "Hijacked", "weight": 10},
        right=("ian", 201),
        **API_BUYER,
    ),
    "POST /api/v1/procurements/{procurement_id}/declarations": Endpoint(
        args=DRAFT, right=("ian", 201), **API_BUYER
    ),
    "POST /api/v1/procurements/{procurement_id}/publish": Endpoint(
        args=DRAFT, right=("ian", 200), **API_BUYER
    ),
    "POST /api/v1/procurements/{procurement_id}/cancel": Endpoint(
        args=PUBLISHED, body=lambda w: {"reason": "Hijacked by a rival"}, right=("ian", 200), **API_BUYER
    ),
    "POST /api/v1/procurements/{procurement_id}/documents": Endpoint(
        args=DRAFT, multipart=True, right=("ian", 201), **API_BUYER
    ),
    "POST /api/v1/procurements/{procurement_id}/amendments": Endpoint(
        args=PUBLISHED,
        body=lambda w: {"reason": "Hijacked", "summary": "Hijacked"},
        right=("ian", 201),
        **API_BUYER,
    ),
    "GET /api/v1/procurements/{procurement_id}/clarifications": Endpoint(
        args=PUBLISHED, right=("ian", 200), **API_BUYER
    ),
    "POST /api/v1/procurements/{procurement_id}/clarifications": Endpoint(
        args=PUBLISHED,
        body=lambda w: {"question": "Hijacked?", "answer": "Hijacked"},
        right=("ian", 201),
        **API_BUYER,
    ),
    "POST /api/v1/procurements/{procurement_id}/clarifications/{clarification_id}/answer": Endpoint(
        args=lambda w: {"procurement_id": w.published.pk, "clarification_id": w.clarification.pk},
        body=lambda w: {"answer": "Hijacked"},
        right=("ian", 200),
        **API_BUYER,
    ),
    "POST /api/v1/procurements/{procurement_id}/opening-approvals": Endpoint(
        args=OPENED,
        right=("ian", 409),
        **API_BUYER,  # already opened
    ),
    "GET /api/v1/procurements/{procurement_id}/tenders": Endpoint(
        args=OPENED, right=("ian", 200), **API_BUYER
    ),
    "POST /api/v1/procurements/{procurement_id}/evaluators": Endpoint(
        args=OPENED, body=lambda w: {"user_id": w.helen.pk}, right=("ian", 201), **API_BUYER
    ),
    "PUT /api/v1/procurements/{procurement_id}/tenders/{version_id}/selection": Endpoint(
        args=VERSION,
        body=lambda w: {str(q.pk): {"passed": True} for q in w.opened.selection_questions.all()},
        right=("ian", 200),
        **API_BUYER,
    ),
    "PUT /api/v1/procurements/{procurement_id}/tenders/{version_id}/moderation": Endpoint(
        args=VERSION,
        body=lambda w: {QUALITY(w): {"score": 5, "reason": "Hijacked"}},
        right=("ian", 409),  # nobody has scored yet
        **API_BUYER,
    ),
    "GET /api/v1/procurements/{procurement_id}/results": Endpoint(
        args=OPENED, right=("ian", 200), **API_BUYER
    ),
    "POST /api/v1/procurements/{procurement_id}/award": Endpoint(
        args=OPENED,
        body=lambda w: {},
        right=("ian", 409),
        **API_BUYER,  # not evaluated yet
    ),
    "POST /api/v1/procurements/{procurement_id}/contract": Endpoint(
        args=OPENED,
        right=("ian", 409),
        **API_BUYER,  # not awarded yet
    ),
    "GET /api/v1/evaluations": Endpoint(right=("jo", 200), other=ANY_SIGNED_IN),
    "POST /api/v1/evaluations/{assignment_id}/declaration": Endpoint(
        args=lambda w: {"assignment_id": w.assignment.pk},
        body=lambda w: {"conflict": True, "details": "Hijacked"},
        right=("jo", 200),
        **API_EVALUATOR,
    ),
    "GET /api/v1/evaluations/{assignment_id}/tenders": Endpoint(
        args=lambda w: {"assignment_id": w.assignment.pk}, right=("jo", 200), **API_EVALUATOR
    ),
    "PUT /api/v1/evaluations/{assignment_id}/tenders/{version_id}/scores": Endpoint(
        args=lambda w: {"assignment_id": w.assignment.pk, "version_id": str(w.acme_version.pk)},
        body=lambda w: {QUALITY(w): {"score": 1, "justification": "Hijacked"}},
        right=("jo", 200),
        **API_EVALUATOR,
    ),
    # The contract portal. Frameworks and their suppliers are public.
    "GET /api/v1/frameworks": Endpoint(anonymous=200),
    "GET /api/v1/frameworks/{reference}": Endpoint(args=FRAMEWORK_REF, anonymous=200),
    # Contracts: their buyer, their supplier, the framework owner; others 404.
    "GET /api/v1/contracts": Endpoint(right=("alice", 200), other=ANY_SIGNED_IN),
    "GET /api/v1/contracts/{contract_id}": Endpoint(
        args=CONTRACT, other=("carol", 404), right=("alice", 200), member=NA("any member of a party sees")
    ),
    "POST /api/v1/contracts/{contract_id}/changes": Endpoint(
        args=CONTRACT,
        body=lambda w: {"kind": "variation", "reason": "Hijacked", "new_value": "1.00"},
        other=("rita", 404),
        member=("alice", 403),  # the supplier sees the contract but only the buyer changes it
        right=("ian", 201),
    ),
    "POST /api/v1/framework-lots/{lot_id}/competitions": Endpoint(
        args=lambda w: {"lot_id": w.lot.pk},
        body=lambda w: {
            "organisation": w.northshire.pk,
            "title": "Hijacked",
            "description": "Hijacked",
            "value_excl_vat": "1000",
            "vat": "200",
        },
        other=("rita", 404),
        member=("jo", 403),
        right=("ian", 201),
    ),
    "POST /api/v1/framework-lots/{lot_id}/direct-awards": Endpoint(
        args=lambda w: {"lot_id": w.lot.pk},
        body=lambda w: {
            "organisation": w.northshire.pk,
            "supplier": w.acme.pk,
            "justification": "Hijacked",
            "title": "Hijacked",
            "description": "Hijacked",
            "value_excl_vat": "1000",
            "starts_on": "2027-01-04",
            "ends_on": "2028-01-03",
            "delivery_postcode": "DL7 8AD",
            "delivery_region": "TLE",
        },
        other=("rita", 404),
        member=("jo", 403),
        right=("ian", 201),
    ),
    # Spend: the buyer records; the supplier sends MI returns; both read.
    "GET /api/v1/contracts/{contract_id}/spend": Endpoint(
        args=CONTRACT, other=("carol", 404), member=("jo", 403), right=("alice", 200)
    ),
    "POST /api/v1/contracts/{contract_id}/spend": Endpoint(
        args=CONTRACT,
        body=lambda w: {
            "transaction_number": "HIJACK-1",
            "invoice_date": "2026-08-10",
            "description": "Hijacked",
            "amount_excl_vat": "100.00",
            "vat": "20.00",
        },
        other=("rita", 404),
        member=("alice", 403),
        right=("ian", 201),
    ),
    "POST /api/v1/contracts/{contract_id}/mi-returns": Endpoint(
        args=CONTRACT,
        multipart=True,
        form=lambda w: {"period": "2026-08", "nil": "true"},
        other=("carol", 404),
        member=("ian", 403),
        right=("bob", 400),  # let in: refused by the return's own check (a file and nil),
    ),
    "POST /api/v1/frameworks/{framework_id}/suppliers/{supplier_id}/mi-returns": Endpoint(
        args=lambda w: {"framework_id": w.framework.pk, "supplier_id": w.acme.pk},
        multipart=True,
        form=lambda w: {"period": "2026-09", "nil": "true"},
        other=("carol", 404),
        member=("ian", 404),
        right=("bob", 400),  # let in: refused by the return's own check (a file and nil),
    ),
    "GET /api/v1/fee-invoices": Endpoint(right=("alice", 200), other=ANY_SIGNED_IN),
    # KPIs: the buyer sets a contract's, the owner a framework's; the supplier reports; the buyer rates.
    "GET /api/v1/contracts/{contract_id}/kpis": Endpoint(
        args=CONTRACT, other=("carol", 404), member=("jo", 404), right=("alice", 200)
    ),
    "POST /api/v1/contracts/{contract_id}/kpis": Endpoint(
        args=CONTRACT,
        body=lambda w: {
            "name": "Hijacked",
            "unit": "%",
            "target": 1,
            "period": "monthly",
            "direction": "higher",
        },
        other=("rita", 404),
        member=("alice", 403),
        right=("ian", 201),
    ),
    "POST /api/v1/frameworks/{framework_id}/kpis": Endpoint(
        args=FRAMEWORK,
        body=lambda w: {
            "name": "Hijacked",
            "unit": "%",
            "target": 1,
            "period": "monthly",
            "direction": "higher",
        },
        other=("rita", 404),
        member=("jo", 404),
        right=("ian", 201),
    ),
    "PUT /api/v1/contracts/{contract_id}/kpis/{kpi_id}/reports/{period_start}": Endpoint(
        args=lambda w: {"contract_id": w.contract.pk, "kpi_id": w.kpi.pk, "period_start": "2026-07-01"},
        body=lambda w: {"value": 3, "comment": "Hijacked"},
        other=("carol", 404),
        member=("ian", 403),
        right=("bob", 201),
    ),
    "GET /api/v1/contracts/{contract_id}/ratings": Endpoint(
        args=CONTRACT, other=("carol", 404), member=("jo", 404), right=("alice", 200)
    ),
    "PUT /api/v1/contracts/{contract_id}/ratings/{period_kind}/{period_start}": Endpoint(
        args=lambda w: {"contract_id": w.contract.pk, "period_kind": "quarter", "period_start": "2026-07-01"},
        body=lambda w: {"rating": "good", "feedback": "Hijacked"},
        other=("rita", 404),
        member=("alice", 403),
        right=("ian", 400),  # let in: refused by the form (not a period that can be rated),
    ),
}


# The machinery ----------------------------------------------------------------------------------
# Rows that change on any request, refused or not: sessions of the signed-in test clients, the sign-in
# throttle's log, a person's last sign-in (the test clients sign in), and a token's last use (shown to
# admins; a refused call with a valid token is a use).
# Rows any page view may write for the viewer themselves: sessions, sign-in throttling, and the record
# that a signed-in person was shown the privacy notice banner (privacy/notices.py: seen, not accepted).
VOLATILE_MODELS = {
    "sessions.Session",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "privacy.NoticeAcknowledgement",
}
# Reference data the migrations load and no request writes (the CPV vocabulary alone is 9,000 rows):
# left out so that a snapshot stays cheap.
REFERENCE_MODELS = {"tenders.CpvCode", "auth.Permission", "contenttypes.ContentType"}
VOLATILE_FIELDS = {("api.ApiToken", "last_used_at"), ("accounts.User", "last_login")}


def snapshot() -> dict:
    """Every row of every table (but the volatile ones), to prove a refused request changed nothing."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if label in VOLATILE_MODELS or label in REFERENCE_MODELS or model._meta.proxy:
            continue
        names = [f.attname for f in model._meta.concrete_fields if (label, f.name) not in VOLATILE_FIELDS]
        state[label] = list(model._base_manager.order_by("pk").values_list(*names))
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x) or None
            yield from _walk(p.url_patterns, route, ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace else p.name), route, p


def site_url_names() -> set[str]:
    """Every named URL of the site but the admin's and the API operations' (which the schema lists)."""
    names = set()
    for name, route, _ in _walk(get_resolver().url_patterns):
        if name.startswith(ADMIN_NAMESPACE + ":") or (route.startswith("api/") and name not in PAGES):
            continue
        names.add(name)
    return names


def api_operations() -> set[str]:
    from tenderbox.api.urls import api

    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def test_every_url_and_endpoint_is_classified():
    unclassified = sorted(site_url_names() - set(PAGES) - set(NOT_PAGES))
    assert unclassified == [], f"Add a row to PAGES for each of: {unclassified}"
    stale = sorted(set(PAGES) - site_url_names())
    assert stale == [], f"PAGES has rows for URL names that no longer exist: {stale}"
    missing = sorted(api_operations() - set(ENDPOINTS))
    assert missing == [], f"Add a row to ENDPOINTS for each of: {missing}"
    stale = sorted(set(ENDPOINTS) - api_operations())
    assert stale == [], f"ENDPOINTS has rows for operations that no longer exist: {stale}"


def test_every_api_url_is_in_the_schema():
    """An API URL the schema does not list would escape the endpoint table."""
    from tenderbox.api.urls import api

    documented = {path.removeprefix("/api/v1/") for path in api.get_openapi_schema()["paths"]}
    for name, route, _ in _walk(get_resolver().url_patterns):
        if route.startswith("api/v1/") and name not in PAGES and name not in NOT_PAGES:
            path = route.removeprefix("api/v1/").replace("<", "{").replace(">", "}")
            assert path in documented, name


@pytest.fixture
def world(request, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return World(request)


def _client_for(world, persona):
    """One signed-in client per persona, reused across rows (signing in for each row is the slow part)."""
    clients = world.__dict__.setdefault("clients", {})
    if persona not in clients:
        clients[persona] = Client()
        if persona is not None:
            sign_in(clients[persona], world.user(persona))
    return clients[persona]


def _is_redirect_to(response, prefix):
    return response.status_code == 302 and response["Location"].startswith(prefix)


def _check(response, expected) -> bool:
    if expected == LOGIN:
        return _is_redirect_to(response, "/account/sign-in?next=")
    if expected == ADMIN_LOGIN:
        return _is_redirect_to(response, "/admin/login/?next=")
    return response.status_code == expected


def _got(response):
    location = response.get("Location", "")
    return f"{response.status_code}{' -> ' + location if location else ''}"


def _refusals(row):
    """(persona or None, expected) for each refused caller of a row."""
    cells = [(None, row.anonymous)]
    for cell in (row.other, row.member):
        if isinstance(cell, tuple):
            cells.append(cell)
    return cells


def _is_refusal(expected) -> bool:
    return expected in (LOGIN, ADMIN_LOGIN, 401, 403, 404, 405)


def test_every_page_refuses_the_wrong_callers_and_lets_the_right_one_in(world):
    failures = []
    for name, row in sorted(PAGES.items()):
        url = reverse(name, kwargs=row.args(world))
        data = {**ATTACK, **row.data(world)}
        before = snapshot()
        refused_any = False
        for persona, expected in _refusals(row):
            client = _client_for(world, persona)
            for method in ("GET", "POST"):
                want = expected
                if method not in row.methods and not (persona is None and expected == LOGIN):
                    want = 405
                if not _is_refusal(want):
                    continue  # an allowed caller (e.g. a public page): checked below, not here
                refused_any = True
                response = client.get(url) if method == "GET" else client.post(url, data)
                if not _check(response, want):
                    failures.append(
                        f"{name} {method} as {persona or 'anonymous'}: want {want}, got {_got(response)}"
                    )
        if refused_any and (changed := changed_tables(before, snapshot())):
            failures.append(f"{name}: a refused request changed {changed}")
        # Allowed callers: a public page for anonymous visitors, and the right role.
        allowed = []
        if not _is_refusal(row.anonymous):
            allowed.append((None, row.anonymous))
        if isinstance(row.right, tuple):
            allowed.append(row.right)
        for persona, expected in allowed:
            client = _client_for(world, persona)
            method = row.methods[0]
            with transaction.atomic():
                response = client.get(url) if method == "GET" else client.post(url, data)
                transaction.set_rollback(True)
            if not _check(response, expected):
                failures.append(
                    f"{name} {method} as {persona or 'anonymous'}: want {expected}, got {_got(response)}"
                )
    assert failures == [], "\n".join(failures)


def test_every_admin_page_is_for_staff_only(world):
    """Every admin URL (one per model and action), as anonymous and as a buyer admin who is not staff."""
    failures = []
    checked = set()
    before = snapshot()
    for persona in (None, "helen"):
        client = _client_for(world, persona)
        for name, _route, pattern in _walk(get_resolver().url_patterns):
            if not name.startswith(ADMIN_NAMESPACE + ":") or name in ("admin:login", "admin:logout"):
                continue
            if pattern.name is None:  # the admin's final catch-all, which only redirects
                continue
            kwargs = {key: "1" for key in pattern.pattern.regex.groupindex}
            if "app_label" in kwargs:
                kwargs["app_label"] = "accounts"
            url = reverse(name, kwargs=kwargs)
            checked.add(name)
            for method in ("GET", "POST"):
                response = client.get(url) if method == "GET" else client.post(url, ATTACK)
                if not (_check(response, ADMIN_LOGIN) or response.status_code == 404):
                    failures.append(f"{name} {method} as {persona or 'anonymous'}: got {_got(response)}")
    assert failures == [], "\n".join(failures)
    assert len(checked) > 100  # one per model and view: the walk found them
    assert changed_tables(before, snapshot()) == []


def _api_call(client, method, path, row, world, token):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if row.multipart:
        from tests.conftest import pdf_upload

        extra = row.form(world) if row.form else {}
        return client.post(path, {"title": "Hijacked", "file": pdf_upload(), **extra}, **headers)
    body = row.body(world) if row.body else None
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    return (
        client.generic(method, path, **kwargs, **headers)
        if kwargs
        else client.generic(method, path, **headers)
    )


def test_every_api_endpoint_refuses_the_wrong_callers_and_lets_the_right_one_in(world):
    failures = []
    for key, row in sorted(ENDPOINTS.items()):
        method, template = key.split(" ", 1)
        path = template.format(**row.args(world))
        before = snapshot()
        refused_any = False
        for persona, expected in _refusals(row):
            if not _is_refusal(expected):
                continue
            refused_any = True
            token = world.tokens[persona] if persona else None
            response = _api_call(Client(), method, path, row, world, token)
            if response.status_code != expected:
                failures.append(
                    f"{key} as {persona or 'anonymous'}: want {expected}, got {response.status_code}"
                )
            elif (
                not response["Content-Type"].startswith("application/json") or "detail" not in response.json()
            ):
                failures.append(
                    f"{key} as {persona or 'anonymous'}: the refusal has no {{'detail': ...}} body"
                )
        if refused_any and (changed := changed_tables(before, snapshot())):
            failures.append(f"{key}: a refused request changed {changed}")
        allowed = [] if _is_refusal(row.anonymous) else [(None, row.anonymous)]
        if isinstance(row.right, tuple):
            allowed.append(row.right)
        for persona, expected in allowed:
            token = world.tokens[persona] if persona else None
            with transaction.atomic():
                response = _api_call(Client(), method, path, row, world, token)
                transaction.set_rollback(True)
            if response.status_code != expected:
                failures.append(
                    f"{key} as {persona or 'anonymous'}: want {expected}, got {response.status_code} "
                    f"{response.content[:200]!r}"
                )
    assert failures == [], "\n".join(failures)


def test_a_token_never_reaches_beyond_its_organisation_even_when_its_creator_could(world, client):
    """Helen is an admin of Northshire; a token she made for Acme (after joining it) sees only Acme."""
    from tenderbox.api.actions import create_token
    from tenderbox.organisations.models import Membership

    Membership.objects.create(user=world.helen, organisation=world.acme, role="admin")
    _, secret = create_token(world.acme, by=world.helen, name="Acme only", scope="write", days=1)
    before = snapshot()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get(f"/api/v1/procurements/{world.draft.pk}", **headers).status_code == 404
    assert client.post(f"/api/v1/procurements/{world.draft.pk}/publish", **headers).status_code == 404
    assert client.get(f"/api/v1/organisations/{world.northshire.pk}/members", **headers).status_code == 404
    assert changed_tables(before, snapshot()) == []
