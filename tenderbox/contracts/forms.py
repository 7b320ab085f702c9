"""Forms for changing and ending contracts."""

from decimal import Decimal

from django import forms

from tenderbox.contracts.models import ContractChange
from tenderbox.lib.forms import GovukForm
from tenderbox.tenders.forms import DateInput


class ChangeForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of change", choices=ContractChange.Kind.choices, widget=forms.RadioSelect
    )
    new_value = forms.DecimalField(
        label="New value excluding VAT (£)",
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text="Leave empty to keep the value.",
        error_messages={"invalid": "Enter an amount in pounds, like 125000.50"},
    )
    new_ends_on = forms.DateField(
        label="New end date",
        required=False,
        widget=DateInput(),
        help_text="Leave empty to keep the end date.",
        error_messages={"invalid": "Enter a real date"},
    )
    reason = forms.CharField(label="Reason for the change", widget=forms.Textarea)


class TerminateForm(GovukForm):
    reason = forms.CharField(label="Reason for ending the contract early", widget=forms.Textarea)
