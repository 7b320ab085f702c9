"""Sending email: archive the message, then deliver it from the worker once the caller commits."""

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string

from tenderbox.notifications.models import Message


def send_email(
    *, to: str, subject: str, template: str, context: dict, purpose: str, user=None, unsubscribe_url: str = ""
) -> Message:
    return send_emails(
        [
            {
                "to": to,
                "subject": subject,
                "template": template,
                "context": context,
                "purpose": purpose,
                "user": user,
                "unsubscribe_url": unsubscribe_url,
            }
        ]
    )[0]


def send_emails(emails: list[dict]) -> list[Message]:
    """Several `send_email`s (each a dict of its arguments) archived with one insert: the retention
    job tells hundreds of people at a time that their unused accounts will go."""
    from tenderbox.notifications.tasks import deliver_message
    from tenderbox.privacy.register import purpose as register_entry

    messages = []
    for email in emails:
        register_entry(email["purpose"])  # every email names its entry in the legal-basis register
        user = email.get("user")
        if user is None:
            user = get_user_model().objects.filter(email__iexact=email["to"]).first()
        messages.append(
            Message(
                recipient=user,
                to_email=email["to"],
                subject=email["subject"],
                body=render_to_string(email["template"], email["context"], using="django"),
                purpose=email["purpose"],
                unsubscribe_url=email.get("unsubscribe_url", ""),
            )
        )
    messages = Message.objects.bulk_create(messages)
    for message in messages:
        deliver_message.enqueue(message.pk)
    return messages


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
