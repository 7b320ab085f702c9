"""Sending email: archive the message, then deliver it from the worker once the caller commits."""

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string

from tenderbox.notifications.models import Message


def send_email(
    *, to: str, subject: str, template: str, context: dict, purpose: str, user=None, unsubscribe_url: str = ""
) -> Message:
    from tenderbox.notifications.tasks import deliver_message
    from tenderbox.privacy.register import purpose as register_entry

    register_entry(purpose)  # every email names its entry in the legal-basis register (KeyError if not)
    if user is None:
        user = get_user_model().objects.filter(email__iexact=to).first()
    body = render_to_string(template, context, using="django")
    message = Message.objects.create(
        recipient=user,
        to_email=to,
        subject=subject,
        body=body,
        purpose=purpose,
        unsubscribe_url=unsubscribe_url,
    )
    deliver_message.enqueue(message.pk)
    return message


def create_alert(user, *, name, cpv_codes, regions, keywords, value_min, value_max, frequency):
    from tenderbox.notifications.models import AlertSubscription

    subscription = AlertSubscription.objects.create(
        user=user,
        name=name,
        regions=",".join(regions),
        keywords=keywords,
        value_min=value_min,
        value_max=value_max,
        frequency=frequency,
    )
    subscription.cpv_codes.set(cpv_codes)
    return subscription


def stop_alert(subscription) -> None:
    """Unsubscribing (or objecting to one alert) ends it at once; past deliveries stay as history."""
    subscription.active = False
    subscription.save(update_fields=["active"])
