"""Forms for spend: the buyer's record of one payment, an MI return upload and issuing a fee invoice.
The API validates its bodies with the same forms (lib/api.validated)."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from tenderbox.lib.forms import GovukForm
from tenderbox.spend import rules
from tenderbox.tenders.forms import DateInput

PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(value: str) -> date:
    """A month written 2026-03."""
    match = PERIOD.match((value or "").strip())
    if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        raise ValidationError("Enter the month as 2026-03")
    return date(int(match[1]), int(match[2]), 1)


def period_choices(starts_on: date, ends_on: date, today: date) -> list[tuple[str, str]]:
    """The months a return can be sent for: the term's months that have ended, latest first."""
    last = min(rules.month_start(ends_on), rules.previous_period(today))
    periods = rules.periods_between(starts_on, last)[::-1]
    return [(f"{p:%Y-%m}", f"{p:%B %Y}") for p in periods]


class SpendForm(GovukForm):
    transaction_number = forms.CharField(
        label="Invoice or transaction number", max_length=60, help_text="As it appears on the invoice."
    )
    invoice_date = forms.DateField(label="Invoice date", widget=DateInput())
    paid_on = forms.DateField(label="Date paid (optional)", required=False, widget=DateInput())
    description = forms.CharField(label="What was bought", max_length=500)
    category = forms.CharField(
        label="Service area or CPV code (optional)",
        max_length=100,
        required=False,
        help_text="As you publish it under the Local Government Transparency Code, e.g. Highways.",
    )
    amount_excl_vat = forms.DecimalField(
        label="Amount excluding VAT (£)",
        max_digits=14,
        decimal_places=2,
        help_text="Negative for a credit note.",
        error_messages={"max_decimal_places": "Enter the amount with at most 2 decimal places"},
    )
    vat = forms.DecimalField(
        label="VAT (£)",
        max_digits=14,
        decimal_places=2,
        help_text="0 when none was charged.",
        error_messages={"max_decimal_places": "Enter the VAT with at most 2 decimal places"},
    )

    def clean(self):
        data = super().clean()
        amount, vat = data.get("amount_excl_vat"), data.get("vat")
        if amount is not None and amount == 0:
            self.add_error("amount_excl_vat", "Enter the amount: a record of £0 records nothing")
        elif amount is not None and vat is not None:
            why = rules.check_vat(amount, vat)
            if why:
                self.add_error("vat", why)
        today = timezone.localdate()
        for name in ("invoice_date", "paid_on"):
            if data.get(name) and data[name] > today:
                self.add_error(name, "The date cannot be in the future")
        return data


class ReturnForm(GovukForm):
    """An MI return: a file for a month, or a nil return."""

    period = forms.ChoiceField(label="Month of the return")
    file = forms.FileField(
        label="Your return (CSV or XLSX)",
        required=False,
        help_text="Use the template's columns; up to 5 MB and 5,000 lines.",
    )
    nil = forms.BooleanField(
        label="Nil return: nothing was invoiced under this contract that month", required=False
    )

    def __init__(self, *args, starts_on: date, ends_on: date, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(starts_on, ends_on, today or timezone.localdate())
        if not self.fields["period"].choices:
            self.fields["period"].help_text = "No month of the term has ended yet."

    def clean_period(self):
        return parse_period(self.cleaned_data["period"])

    def clean(self):
        data = super().clean()
        if data.get("nil") and data.get("file"):
            self.add_error("nil", "Either upload your return or declare a nil return, not both")
        elif not data.get("nil") and not data.get("file") and "file" not in self.errors:
            self.add_error("file", "Select the CSV or XLSX file of your return, or declare a nil return")
        return data


class FeeIssueForm(GovukForm):
    supplier = forms.TypedChoiceField(label="Supplier", coerce=int)
    period = forms.CharField(label="Month", help_text="As 2026-03.", max_length=7)

    def __init__(self, *args, suppliers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [("", "Select a supplier"), *[(s.pk, s.name) for s in suppliers]]

    def clean_period(self):
        return parse_period(self.cleaned_data["period"])
