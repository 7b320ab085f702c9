"""Forms for setting up frameworks, appointing suppliers and calling off."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from tenderbox.frameworks import rules
from tenderbox.frameworks.models import FrameworkLot
from tenderbox.lib.forms import GovukForm
from tenderbox.lib.uk import normalise_postcode
from tenderbox.organisations.models import Organisation
from tenderbox.tenders.forms import DateInput, lookup_cpv, region_choices

MONEY = {"invalid": "Enter an amount in pounds, like 125000.50"}
DATE = {"invalid": "Enter a real date, like 31 3 2027"}


def _money(label, **kwargs):
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages=MONEY,
        **kwargs,
    )


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=DateInput(), error_messages=DATE, **kwargs)


class FrameworkForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(label="What the framework covers", widget=forms.Textarea)
    starts_on = _date("Start of the term")
    ends_on = _date(
        "End of the term", help_text="At most 4 years after the start, extensions included (PA23 s.47)."
    )
    extendable_to = _date(
        "Latest end with extensions", required=False, help_text="Leave empty if no extension is provided for."
    )
    fee_rate = forms.DecimalField(
        label="Fee (levy) on declared spend, percent",
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("10"),
        decimal_places=3,
        help_text="Leave empty if the framework charges no fee.",
        error_messages={"invalid": "Enter the fee as a percentage, like 1.5"},
    )
    call_off_minimum_days = forms.IntegerField(
        label="Minimum days for a further competition",
        initial=rules.PROPOSED_CALL_OFF_DAYS,
        min_value=1,
        max_value=60,
        help_text=f"PA23 sets none for call-offs; Tenderbox proposes {rules.PROPOSED_CALL_OFF_DAYS}.",
        error_messages={"invalid": "Enter a whole number of days"},
    )
    procurement_reference = forms.CharField(
        label="Tenderbox procurement that lets it",
        max_length=30,
        required=False,
        help_text="Your authority's procurement reference, like TBX-2026-000042, if it is let here.",
    )
    let_elsewhere_reference = forms.CharField(
        label="Notice reference, if let outside Tenderbox", max_length=100, required=False
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean_procurement_reference(self):
        from tenderbox.tenders.models import Procurement

        reference = self.cleaned_data["procurement_reference"].strip().upper()
        if not reference:
            return None
        procurement = Procurement.objects.filter(reference=reference, buyer=self.owner).first()
        if procurement is None:
            raise ValidationError(f"{self.owner.name} has no procurement {reference}")
        if hasattr(procurement, "framework"):
            raise ValidationError(f"{reference} already lets the framework {procurement.framework.reference}")
        return procurement

    def clean(self):
        data = super().clean()
        for problem in rules.check_term(
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            extendable_to=data.get("extendable_to"),
        ):
            if problem.field in self.fields and problem.field not in self.errors:
                self.add_error(problem.field, problem.message)
        return data


class LotForm(GovukForm):
    title = forms.CharField(label="Lot title", max_length=200)
    scope = forms.CharField(label="What may be bought under the lot", widget=forms.Textarea)
    cpv_code = forms.CharField(label="Main CPV code", max_length=10, help_text="Like 90910000-9")
    max_value = _money("Maximum total value of call-offs excluding VAT (£)")
    call_off_method = forms.ChoiceField(
        label="How call-offs are awarded", choices=FrameworkLot.CallOff.choices, widget=forms.RadioSelect
    )
    max_suppliers = forms.IntegerField(
        label="Suppliers appointed from the award",
        initial=1,
        min_value=1,
        max_value=100,
        help_text="For a framework let on Tenderbox: how many of the highest-ranked tenders on this lot.",
        error_messages={"invalid": "Enter a whole number"},
    )
    direct_award_criteria = forms.CharField(
        label="Direct-award criteria",
        widget=forms.Textarea,
        required=False,
        help_text="Needed when direct award is allowed: the objective criteria a supplier is chosen by.",
    )

    def clean_cpv_code(self):
        return lookup_cpv(self.cleaned_data["cpv_code"])

    def clean(self):
        data = super().clean()
        method = data.get("call_off_method")
        if (
            method
            and rules.allows(method, rules.DIRECT_AWARD)
            and not data.get("direct_award_criteria", "").strip()
        ):
            self.add_error(
                "direct_award_criteria", "Enter the criteria a direct award is made against (PA23 s.47(2))"
            )
        return data


class EligibilityForm(GovukForm):
    authority_types = forms.MultipleChoiceField(
        label="Kinds of authority allowed to use it",
        choices=Organisation.AuthorityType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    region = forms.ChoiceField(label="Where they are", choices=(), required=False)
    named = forms.CharField(
        label="Authorities named, one Tenderbox name per line",
        widget=forms.Textarea,
        required=False,
        help_text="As registered on Tenderbox, for example Northshire County Council.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices("Anywhere")

    def clean_named(self):
        names = [n.strip() for n in self.cleaned_data["named"].splitlines() if n.strip()]
        found, unknown = [], []
        for name in names:
            org = Organisation.objects.filter(kind=Organisation.Kind.BUYER, name__iexact=name).first()
            (found.append(org) if org else unknown.append(name))
        if unknown:
            raise ValidationError(f"No contracting authority is registered as: {', '.join(unknown)}")
        return found

    def clean(self):
        data = super().clean()
        if (
            not self.errors
            and not data.get("named")
            and not data.get("authority_types")
            and not data.get("region")
        ):
            raise ValidationError("Name the authorities or describe them by kind or region")
        return data

    def descriptions(self) -> list[tuple[str, str]]:
        region = "" if self.cleaned_data.get("region") in ("", "UK") else self.cleaned_data["region"]
        kinds = self.cleaned_data.get("authority_types") or [""]
        if kinds == [""] and not region:
            return []
        return [(kind, region) for kind in kinds]


class DocumentForm(GovukForm):
    title = forms.CharField(label="What the document is", max_length=200)
    file = forms.FileField(label="Document", error_messages={"required": "Select the document"})


class ImportForm(GovukForm):
    file = forms.FileField(
        label="Appointed suppliers (CSV)",
        help_text="Columns: lot, companies_house_number. One row per supplier per lot.",
        error_messages={"required": "Select the CSV file of appointed suppliers"},
    )
    reason = forms.CharField(
        label="Where the appointments come from",
        max_length=200,
        help_text="For example the award notice reference.",
    )


class ReasonForm(GovukForm):
    reason = forms.CharField(label="Reason", widget=forms.Textarea, help_text="The supplier is told it.")


class ExtendForm(GovukForm):
    new_end = _date("New end of the term")
    reason = forms.CharField(label="Reason for the extension", widget=forms.Textarea)


class CompetitionForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(label="What you are buying", widget=forms.Textarea)
    value_excl_vat = _money("Estimated value excluding VAT (£)")
    vat = forms.DecimalField(
        label="VAT on the estimated value (£)",
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        error_messages=MONEY,
    )


class DirectAwardForm(GovukForm):
    supplier = forms.ModelChoiceField(
        label="Supplier",
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the supplier",
            "invalid_choice": "Select one of the lot's suppliers",
        },
    )
    justification = forms.CharField(
        label="Why this supplier, against the framework's direct-award criteria", widget=forms.Textarea
    )
    title = forms.CharField(label="Contract title", max_length=200)
    description = forms.CharField(label="What is supplied", widget=forms.Textarea)
    value_excl_vat = _money("Contract value excluding VAT (£)")
    starts_on = _date("Contract start date")
    ends_on = _date("Contract end date")
    delivery_postcode = forms.CharField(label="Delivery postcode", max_length=8)
    delivery_region = forms.ChoiceField(label="Delivery region", choices=())

    def __init__(self, *args, lot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Organisation.objects.filter(
            appointments__lot=lot, appointments__status="active"
        ).order_by("name")
        self.fields["delivery_region"].choices = region_choices()

    def clean_delivery_postcode(self):
        return normalise_postcode(self.cleaned_data["delivery_postcode"])

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The contract must end on or after the day it starts")
        return data
