from django.core.management import call_command
from django.db import models

from tenderbox.accounts.models import User
from tenderbox.audit.chain import verify
from tenderbox.organisations.models import Membership, Organisation


def test_demo_is_idempotent(db):
    call_command("demo", quiet=True)
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    assert counts == (13, 7, 12)
    assert Organisation.objects.filter(kind="buyer").count() == 2
    assert Organisation.objects.filter(kind="supplier").count() == 5
    call_command("demo", quiet=True)
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert verify().ok


def test_demo_scale_adds_procurements_with_everything_under_them(db):
    from tenderbox.tenders.models import Procurement

    call_command("demo", scale=120, quiet=True)
    synthetic = Procurement.objects.filter(created_by__email__endswith="@scale.example")
    assert synthetic.count() == 120
    assert Organisation.objects.filter(kind="buyer").count() == 2 + 2
    assert Organisation.objects.filter(kind="supplier").count() == 5 + 12
    assert all(sum(p.criteria.values_list("weight", flat=True)) == 100 for p in synthetic[:20])
    assert not synthetic.filter(cpv_codes=None).exists()
    assert synthetic.filter(status="published").count() > 60
    from tenderbox.contracts.models import Contract
    from tenderbox.frameworks.models import Appointment, Framework

    scale_frameworks = Framework.objects.filter(created_by__email__endswith="@scale.example")
    assert scale_frameworks.count() == 1
    assert Appointment.objects.filter(lot__framework__in=scale_frameworks).count() >= 6
    call_offs = Contract.objects.filter(framework__in=scale_frameworks)
    assert call_offs.count() == 24
    assert not call_offs.exclude(
        supplier__appointments__lot=models.F("framework_lot"), route="direct_award"
    ).exists()
