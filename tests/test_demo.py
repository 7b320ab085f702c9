from django.core.management import call_command

from tenderbox.accounts.models import User
from tenderbox.audit.chain import verify
from tenderbox.organisations.models import Membership, Organisation


def test_demo_is_idempotent(db):
    call_command("demo", quiet=True)
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    assert counts == (12, 7, 11)
    assert Organisation.objects.filter(kind="buyer").count() == 2
    assert Organisation.objects.filter(kind="supplier").count() == 5
    call_command("demo", quiet=True)
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert verify().ok


def test_demo_scale_adds_organisations_with_an_admin_each(db):
    call_command("demo", scale=25, quiet=True)
    assert Organisation.objects.count() == 7 + 25
    assert Membership.objects.filter(organisation__name__regex=r" \d+( Ltd)?$").count() == 25
