"""The privacy notice: generated from the code, published in versions, told to people before it applies.

One map, one promise: the notice's sections (what we collect, why, for how long, who processes it)
are generated from the privacy map, the legal-basis register, the retention rules and the register of
processors (`draft_sections`). The public page shows the version in effect, frozen as published; when
a code change alters the generated text, the staff page (admin site, Privacy › Privacy notice
versions › Draft) shows the difference and publishing it is a new version with an effective date.
Nothing changes silently: signed-in people see a banner, account holders are emailed before it takes
effect where possible (privacy policy 9.1), and who was emailed, saw and accepted which version is
recorded in `NoticeAcknowledgement`.
"""

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from markupsafe import Markup, escape

from tenderbox.lib.errors import Conflict, DomainError, PermissionDenied
from tenderbox.privacy.map import Category, privacy_map
from tenderbox.privacy.notice_models import NoticeAcknowledgement, NoticeSection, NoticeVersion
from tenderbox.privacy.register import PURPOSES
from tenderbox.privacy.retention import RULES

VERSION_LABEL = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.-]{0,39}$")
EMAIL_BATCH = 500


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    body: str


# Generation ------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _model_names(labels) -> str:
    names = sorted({str(apps.get_model(label)._meta.verbose_name) for label in labels})
    return _first_upper(", ".join(names))


# What each category means to a reader of the notice (every category of the map needs one: tested).
CATEGORY_WORDS = {
    Category.IDENTITY: "your name",
    Category.CONTACT: "your email address and phone number, and the address of an organisation",
    Category.ONLINE: "the IP address, browser details and session of each sign-in, and the links in "
    "our emails",
    Category.CREDENTIALS: "your password (stored only as a hash), two-factor keys and recovery codes, "
    "and API tokens",
    Category.ACCOUNT: "when you joined and signed in, the declarations you made, the version of this "
    "notice you were shown, the results of sign-up checks, and your alerts and roles",
    Category.CONSENT: "the consents you gave or withdrew, and your objections and restrictions",
    Category.COMMUNICATIONS: "the emails we send you and what you send through the service, such as "
    "clarification questions and complaints",
    Category.BUSINESS: "for sole traders and partners, business details such as trading name, address, VAT "
    "number, insurance, accreditations and the tenders you submit",
}


def _collect_section() -> Section:
    used = {entry.category for entry in privacy_map().personal} - {Category.LINK}
    bullets = [f"- {_first_upper(str(c))}: {CATEGORY_WORDS[c]}." for c in Category if c in used]
    return Section(
        "collect",
        "What we collect",
        "\n".join(bullets)
        + "\n\nWe do not collect special category data (such as health, ethnicity, beliefs or trade union "
        "membership), and our services are not for people under 18: everyone who registers declares "
        "that they are 18 or over.",
    )


def _purposes_section() -> Section:
    categories = defaultdict(set)
    for entry in privacy_map().personal:
        if entry.category != Category.LINK:
            for key in entry.purposes:
                categories[key].add(str(entry.category))
    rows = [
        [
            ", ".join(p.platforms),
            p.use,
            _first_upper(", ".join(sorted(categories[p.key]))) or "No personal data kept for this use",
            f"{p.basis.label}. {p.policy_wording}",
        ]
        for p in PURPOSES.values()
    ]
    return Section(
        "purposes",
        "Why we use it and our legal basis",
        _table(["Where", "Our use of your data", "Data used", "Legal basis"], rows),
    )


def _retention_section() -> Section:
    models_by_rule = defaultdict(set)
    for entry in privacy_map().personal:
        models_by_rule[entry.retention].add(entry.model)
    rows = [
        [
            _model_names(models_by_rule[r.key]) if models_by_rule[r.key] else "Not yet held by this service",
            r.summary,
            r.clock_starts.capitalize(),
            r.source,
        ]
        for r in RULES.values()
    ]
    return Section(
        "retention",
        "How long we keep it",
        "A rule that says “at least” is a floor: we must keep the records that long, even if you ask us "
        "to erase them. A rule that says “up to” is a limit: we delete or anonymise the records when it "
        "passes.\n\n" + _table(["Records", "Rule", "Counted from", "Source"], rows),
    )


def _processors_section(processors) -> Section:
    if processors is None:
        lines = ["- (Listed from the register of processors when the notice is published.)"]
    else:
        lines = [
            f"- {p.name}: {p.service} ({p.data_processed}; processed in {p.location}). Checked "
            f"{p.due_diligence_on:%-d %B %Y}; "
            + (
                "processing agreement in place."
                if p.agreement_in_place
                else "processing agreement being made."
            )
            for p in processors
        ] or ["- None at present."]
    return Section(
        "processors",
        "Who processes it for us",
        "These organisations process personal data for us, and only on our instructions:\n\n"
        + "\n".join(lines),
    )


def draft_sections(*, processors="register") -> list[Section]:
    """The notice as the code and the registers describe it now. `processors=None` leaves the
    register of processors out (for docs/privacy-notice.md, which cannot read the database)."""
    if processors == "register":
        from tenderbox.privacy.models import Processor

        processors = list(Processor.objects.order_by("name"))
    email = settings.PRIVACY_OFFICER_EMAIL
    return [
        Section(
            "about",
            "About this notice",
            "Tenderbox is a portal for public procurement: buyers publish opportunities and run tenders, "
            "suppliers find them and respond. This notice explains what personal data Tenderbox holds, why, "
            "on what legal basis, for how long, who it is shared with and the rights you have. It is "
            "generated from the same declarations that the software uses to export, erase and retain "
            "data, so it describes what the service really does.\n\n"
            f"Contact our privacy officer at [{email}](mailto:{email}).",
        ),
        _collect_section(),
        _purposes_section(),
        _retention_section(),
        Section(
            "sharing",
            "Who we share it with",
            "We publish what the law requires public buyers to publish: spending under frameworks, details "
            "of call-off contracts, the suppliers appointed to frameworks and the successful supplier of "
            "each contract, including a sole trader's name and contact details where the law requires "
            "it. The buyer running a procurement sees the tenders sent to it, and only after the "
            "deadline.\n\n"
            "We disclose personal data when the law or a court requires it, and share statistics only "
            "when nobody can be identified from them.",
        ),
        _processors_section(processors),
        Section(
            "automated",
            "Automated decisions",
            "We screen sign-ups automatically for signs of fraud. The screening never refuses an account: "
            "when it holds one, we tell you why, and you can explain and ask for a person to decide.",
        ),
        Section(
            "rights",
            "Your rights",
            "You can ask for a copy of your data (free of charge, within one month and at most 30 days), "
            "have it given to you in a machine-readable form, have it corrected, erased or its use "
            "restricted, object to its use, and ask for a person to review an automated decision. Email "
            f"[{email}](mailto:{email}).\n\n"
            "If you are unhappy with how we handled your data, "
            f"[complain to us]({reverse('privacy:complaint')}). "
            "You can also complain to the Information Commissioner's Office at "
            "[ico.org.uk](https://ico.org.uk), and you may seek a remedy through the courts.",
        ),
        Section(
            "changes",
            "Changes to this notice",
            "When we change this notice we publish the new version here with the date it takes effect, "
            "tell everyone who signs in, and email account holders before it takes effect wherever "
            f"possible. [Earlier versions]({reverse('privacy:notices')}) stay readable.",
        ),
    ]


def sections_markdown(sections) -> str:
    parts = [f"## {s.heading}\n\n{s.body}\n" for s in sections]
    return "\n".join(parts)


def draft_markdown() -> str:
    """The text of docs/privacy-notice.md: the draft without the database's register of processors."""
    return (
        "# Privacy notice (draft generated from the code)\n\n"
        "Generated by `tenderbox privacy-docs` from the privacy map and the registers; do not edit by "
        "hand. A test fails when this file is out of date, showing what changed. Once deployed, the "
        "change is published through Admin › Privacy › Privacy notice versions › Draft, with an "
        "effective date; people are told before it applies (docs/operations.md).\n\n"
        + sections_markdown(draft_sections(processors=None))
    )


def difference(old: str, new: str, *, old_label: str, new_label: str) -> list[str]:
    """The lines that changed, as a unified diff (empty when the texts are the same)."""
    return list(
        difflib.unified_diff(
            old.splitlines(), new.splitlines(), fromfile=old_label, tofile=new_label, lineterm=""
        )
    )


# Rendering the stored text -----------------------------------------------------------------------

LINK = re.compile(r"\[([^\]]+)\]\(((?:/|https://|mailto:)[^)\s]*)\)")
CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _inline(text: str) -> Markup:
    escaped = str(escape(text))
    # Safe: the text was escaped first, and only links to our paths, https or mailto are made.
    return Markup(LINK.sub(r'<a class="govuk-link" href="\2">\1</a>', escaped))  # noqa: S704


def _cells(line: str) -> list[str]:
    return [c.strip().replace("\\|", "|") for c in CELL_SPLIT.split(line.strip())[1:-1]]


def body_html(body: str) -> Markup:
    """GOV.UK markup for a section body: paragraphs, bullet lists, tables and links; all else escaped."""
    out = []
    for block in body.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            out.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
        elif all(line.startswith("|") for line in lines):
            rows = [_cells(line) for line in lines if not re.fullmatch(r"\|[-| ]+\|", line.strip())]
            head = "".join(f'<th scope="col" class="govuk-table__header">{_inline(c)}</th>' for c in rows[0])
            body_rows = "".join(
                '<tr class="govuk-table__row">'
                + "".join(f'<td class="govuk-table__cell">{_inline(c)}</td>' for c in row)
                + "</tr>"
                for row in rows[1:]
            )
            out.append(
                '<table class="govuk-table"><thead class="govuk-table__head"><tr class="govuk-table__row">'
                f'{head}</tr></thead><tbody class="govuk-table__body">{body_rows}</tbody></table>'
            )
        else:
            out.append(f'<p class="govuk-body">{_inline(" ".join(lines))}</p>')
    return Markup("".join(out))  # noqa: S704 - every piece was escaped by _inline


# Which version applies -----------------------------------------------------------------------------


def current_notice(today=None) -> NoticeVersion | None:
    """The version in effect: the latest published one whose effective day has come."""
    return NoticeVersion.objects.in_effect(today).order_by("-effective_on", "-published_at").first()


def latest_notice() -> NoticeVersion | None:
    """The latest published version, upcoming or in effect: what the banner tells people about."""
    return NoticeVersion.objects.order_by("-effective_on", "-published_at").first()


def current_version_label() -> str:
    """Recorded against an account at sign-up. Before any version is published, the notice generated
    from the code is the one shown, under the version named in settings."""
    notice = current_notice()
    return notice.version if notice else settings.PRIVACY_NOTICE_VERSION


def status(notice: NoticeVersion, today=None, *, current="look up") -> str:
    """Upcoming, in effect or superseded, on `today`; pass `current` when it is already known."""
    today = today or timezone.localdate()
    if notice.effective_on > today:
        return "upcoming"
    if current == "look up":
        current = current_notice(today)
    return "in effect" if current and current.pk == notice.pk else "superseded"


def superseded_on(notice: NoticeVersion):
    """The day a later version took (or takes) effect, if any."""
    later = (
        NoticeVersion.objects.filter(
            Q(effective_on__gt=notice.effective_on)
            | Q(effective_on=notice.effective_on, published_at__gt=notice.published_at)
        )
        .order_by("effective_on", "published_at")
        .first()
    )
    return later.effective_on if later else None


# Publishing ------------------------------------------------------------------------------------------


def publish_notice(*, version: str, effective_on, summary: str, by, request=None) -> NoticeVersion:
    """Publish the notice generated from the code as a new version applying from `effective_on`.

    Refused when the generated text is the same as the latest published version's (nothing new to
    tell), when the day has passed or comes before the latest version's, and for anyone but staff.
    Account holders are emailed after commit, by the worker (`email_account_holders`).
    """
    from tenderbox.audit.chain import record
    from tenderbox.privacy.tasks import email_notice_change

    if not (by.is_staff or by.is_superuser):
        raise PermissionDenied("Only Tenderbox staff publish the privacy notice.")
    version, summary = (version or "").strip(), (summary or "").strip()
    if not VERSION_LABEL.fullmatch(version):
        raise DomainError(
            "Give the version a label of letters, digits, dots and hyphens, such as 2027-01-15."
        )
    if not summary:
        raise DomainError("Say what changed: people read it in the banner and the email.")
    if effective_on is None:
        raise DomainError("Give the day the new notice takes effect.")
    today = timezone.localdate()
    if effective_on < today:
        raise DomainError(f"The effective day cannot be in the past: give {today:%-d %B %Y} or later.")
    sections = draft_sections()
    with transaction.atomic():
        latest = NoticeVersion.objects.select_for_update().order_by("-effective_on", "-published_at").first()
        if latest is not None:
            if latest.text() == sections_markdown(sections):
                raise Conflict(f"The notice generated from the code is the same as version {latest.version}.")
            if effective_on < latest.effective_on:
                raise DomainError(
                    f"Version {latest.version} takes effect on {latest.effective_on:%-d %B %Y}: a later "
                    "version cannot take effect before it."
                )
        try:
            with transaction.atomic():
                notice = NoticeVersion.objects.create(
                    version=version, summary=summary, effective_on=effective_on, published_by=by
                )
        except IntegrityError:
            raise Conflict(f"There is already a version {version}: choose another label.") from None
        NoticeSection.objects.bulk_create(
            NoticeSection(notice=notice, position=n, key=s.key, heading=s.heading, body=s.body)
            for n, s in enumerate(sections, start=1)
        )
        record(
            "privacy.notice_published",
            actor=by,
            obj=notice,
            after={"version": version, "effective_on": effective_on.isoformat()},
            request=request,
        )
        email_notice_change.enqueue(notice.pk)  # after commit (TASKS enqueue_on_commit)
    return notice


# Telling people ----------------------------------------------------------------------------------------


def account_holders():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, erased_at=None, email_verified_at__isnull=False)


def email_account_holders(notice_id: int, *, batch: int = EMAIL_BATCH) -> int:
    """Email every account holder about one version, once each, in batches of `batch` people.

    Safe to run twice or side by side: a person's acknowledgement row is claimed with a conditional
    update (`emailed_at` still empty) in the batch's transaction, so nobody is emailed twice; a crash
    loses only the batch in progress, which the next run (the hourly sweep) does again.
    """
    from tenderbox.notifications.actions import send_email

    notice = NoticeVersion.objects.filter(pk=notice_id).first()
    if notice is None or notice.emails_done_at is not None:
        return 0
    url = settings.SITE_URL + reverse("privacy:notice", args=[notice.version])
    today = timezone.localdate()
    subject = (
        f"Our privacy notice changes on {notice.effective_on:%-d %B %Y}"
        if notice.effective_on > today
        else "Our privacy notice has changed"
    )
    upcoming = notice.effective_on > today
    sent, last_pk = 0, 0
    while True:
        with transaction.atomic():
            users = list(account_holders().filter(pk__gt=last_pk).order_by("pk")[:batch])
            if not users:
                break
            NoticeAcknowledgement.objects.bulk_create(
                [NoticeAcknowledgement(user=u, notice=notice) for u in users], ignore_conflicts=True
            )
            now = timezone.now()
            for user in users:
                claimed = NoticeAcknowledgement.objects.filter(
                    user=user, notice=notice, emailed_at=None, accepted_at=None
                ).update(emailed_at=now)
                if not claimed:
                    continue
                send_email(
                    to=user.email,
                    user=user,
                    subject=subject,
                    template="privacy/email/notice_changed.txt",
                    context={"user": user, "notice": notice, "url": url, "upcoming": upcoming},
                    purpose="service_changes",
                )
                sent += 1
            last_pk = users[-1].pk
    NoticeVersion.objects.filter(pk=notice.pk, emails_done_at=None).update(emails_done_at=timezone.now())
    return sent


def _ack(user, notice) -> NoticeAcknowledgement:
    try:
        with transaction.atomic():
            return NoticeAcknowledgement.objects.get_or_create(user=user, notice=notice)[0]
    except IntegrityError:  # made by a simultaneous request
        return NoticeAcknowledgement.objects.get(user=user, notice=notice)


def mark_seen(user, notice) -> None:
    """Record the first time a signed-in person was shown a version (the banner or the notice)."""
    if not getattr(user, "is_authenticated", False):
        return
    ack = _ack(user, notice)
    if ack.seen_at is None:
        NoticeAcknowledgement.objects.filter(pk=ack.pk, seen_at=None).update(seen_at=timezone.now())


def accept(user, notice, *, via: str, request=None) -> bool:
    """Record that the person accepted a version; False if they already had."""
    from tenderbox.audit.chain import record

    with transaction.atomic():
        ack = _ack(user, notice)
        now = timezone.now()
        accepted = NoticeAcknowledgement.objects.filter(pk=ack.pk, accepted_at=None).update(
            accepted_at=now, accepted_via=via, seen_at=ack.seen_at or now
        )
        if accepted:
            record(
                "privacy.notice_accepted",
                actor=user,
                obj=notice,
                after={"version": notice.version, "via": via},
                request=request,
            )
    return bool(accepted)


def accept_at_sign_up(user) -> None:
    """The notice shown on the sign-up page is the one the new account accepted."""
    notice = current_notice()
    if notice is not None:
        now = timezone.now()
        NoticeAcknowledgement.objects.create(
            user=user, notice=notice, seen_at=now, accepted_at=now, accepted_via="sign-up"
        )


def banner_for(request) -> dict | None:
    """What the notification banner tells a signed-in person: the latest version, upcoming or in effect,
    until they accept it. Marks it seen. Computed once per request."""
    if hasattr(request, "_privacy_notice_banner"):
        return request._privacy_notice_banner
    banner = None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        notice = latest_notice()
        if notice is not None and notice.version != user.privacy_notice_version:
            ack = NoticeAcknowledgement.objects.filter(user=user, notice=notice).first()
            if ack is None or ack.accepted_at is None:
                if ack is None or ack.seen_at is None:
                    mark_seen(user, notice)
                banner = {"notice": notice, "upcoming": notice.effective_on > timezone.localdate()}
    request._privacy_notice_banner = banner
    return banner
