"""Opportunity alerts: which subscriptions a procurement matches, and sending them once each.

The purpose is the register's "opportunity_alerts" (legitimate interest): every send checks that the
subscriber has not objected and is not restricted, at the moment of sending (privacy.checks)."""

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tenderbox.notifications.actions import send_email
from tenderbox.notifications.models import AlertDelivery, AlertSubscription
from tenderbox.privacy.checks import may_process

UNSUBSCRIBE_SALT = "tenderbox.alerts.unsubscribe"


def code_prefixes(codes) -> set[str]:
    """Every prefix a subscription's code could have to cover these codes: '45213000-3' is covered
    by '45', '452', '4521', '45213' (and longer)."""
    out = set()
    for code in codes:
        digits = code.split("-")[0]
        out |= {digits[:n] for n in range(2, 9)}
    return out


def _words(text: str) -> list[str]:
    return [w.lower() for w in text.split() if w.strip()]


def matches(subscription: AlertSubscription, procurement, codes: set[str] | None = None) -> bool:
    if codes is None:
        codes = set(procurement.cpv_codes.values_list("code", flat=True))
    prefixes = set(subscription.cpv_codes.values_list("prefix", flat=True))
    if prefixes and not prefixes & code_prefixes(codes):
        return False
    regions = subscription.region_list()
    if regions and procurement.region not in regions and procurement.region != "UK":
        return False
    if subscription.value_min is not None and procurement.value_excl_vat < subscription.value_min:
        return False
    if subscription.value_max is not None and procurement.value_excl_vat > subscription.value_max:
        return False
    text = f"{procurement.title} {procurement.description}".lower()
    return all(word in text for word in _words(subscription.keywords))


def matching_subscriptions(procurement, *, frequency: str):
    codes = set(procurement.cpv_codes.values_list("code", flat=True))
    candidates = (
        AlertSubscription.objects.filter(active=True, frequency=frequency, user__is_active=True)
        .select_related("user")
        .prefetch_related("cpv_codes")
    )
    return [s for s in candidates if matches(s, procurement, codes)]


def unsubscribe_url(subscription: AlertSubscription) -> str:
    token = signing.dumps({"s": subscription.pk}, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("notifications:alert-unsubscribe", args=[token])


def subscription_from_token(token: str) -> AlertSubscription | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return AlertSubscription.objects.filter(pk=data.get("s")).first()


def _claim(subscription, procurement) -> AlertDelivery | None:
    """Record the delivery first: the unique pair means a second worker (or a retry) sends nothing."""
    try:
        with transaction.atomic():
            return AlertDelivery.objects.create(subscription=subscription, procurement=procurement)
    except IntegrityError:
        return None


def send_instant_alerts(procurement) -> int:
    if procurement.status != procurement.Status.PUBLISHED:
        return 0
    sent = 0
    link = settings.SITE_URL + reverse("tenders:opportunity", args=[procurement.reference])
    for subscription in matching_subscriptions(procurement, frequency=AlertSubscription.Frequency.INSTANT):
        if not may_process(subscription.user, "opportunity_alerts"):
            continue
        with transaction.atomic():
            delivery = _claim(subscription, procurement)
            if delivery is None:
                continue
            delivery.message = send_email(
                to=subscription.user.email,
                user=subscription.user,
                subject=f"New opportunity: {procurement.title}",
                template="notifications/email/alert.txt",
                context={
                    "subscription": subscription,
                    "procurements": [procurement],
                    "links": [link],
                    "unsubscribe": unsubscribe_url(subscription),
                },
                purpose="opportunity_alerts",
                unsubscribe_url=unsubscribe_url(subscription),
            )
            delivery.save(update_fields=["message"])
        sent += 1
    return sent


def send_daily_digests(now=None) -> int:
    """One email per daily subscription listing the new matching opportunities not yet sent to it."""
    from tenderbox.tenders.models import Procurement

    now = now or timezone.now()
    sent = 0
    for subscription in AlertSubscription.objects.filter(
        active=True, frequency=AlertSubscription.Frequency.DAILY, user__is_active=True
    ).select_related("user"):
        since = subscription.last_digest_at or subscription.created_at
        if not may_process(subscription.user, "opportunity_alerts"):
            continue
        fresh = Procurement.objects.open_for_tenders(now).filter(
            published_at__gt=since, published_at__lte=now
        )
        found = [
            p
            for p in fresh.exclude(pk__in=subscription.deliveries.values("procurement"))
            if matches(subscription, p)
        ]
        with transaction.atomic():
            claimed = [p for p in found if _claim(subscription, p) is not None]
            subscription.last_digest_at = now
            subscription.save(update_fields=["last_digest_at"])
            if not claimed:
                continue
            message = send_email(
                to=subscription.user.email,
                user=subscription.user,
                subject=f"{len(claimed)} new {'opportunity' if len(claimed) == 1 else 'opportunities'} for "
                f"“{subscription.name}”",
                template="notifications/email/alert.txt",
                context={
                    "subscription": subscription,
                    "procurements": claimed,
                    "links": [
                        settings.SITE_URL + reverse("tenders:opportunity", args=[p.reference])
                        for p in claimed
                    ],
                    "unsubscribe": unsubscribe_url(subscription),
                },
                purpose="opportunity_alerts",
                unsubscribe_url=unsubscribe_url(subscription),
            )
            AlertDelivery.objects.filter(subscription=subscription, procurement__in=claimed).update(
                message=message
            )
        sent += 1
    return sent
