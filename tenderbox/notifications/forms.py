"""The alert form."""

from django import forms
from django.core.exceptions import ValidationError

from tenderbox.lib.forms import GovukForm
from tenderbox.lib.uk import itl_regions
from tenderbox.notifications.models import AlertSubscription
from tenderbox.tenders.models import CpvCode


class AlertForm(GovukForm):
    name = forms.CharField(
        label="Name of the alert", max_length=100, help_text="For example: Grounds maintenance."
    )
    cpv_codes = forms.CharField(
        label="CPV codes (optional)",
        required=False,
        max_length=500,
        help_text="Separate codes with spaces or commas. Each includes every code beneath it: 45000000 is "
        "all construction work. Find codes on the opportunity search.",
    )
    regions = forms.MultipleChoiceField(
        label="Regions (optional)",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for anywhere in the UK.",
    )
    keywords = forms.CharField(
        label="Keywords (optional)",
        required=False,
        max_length=200,
        help_text="Every word must appear in the title or description.",
    )
    value_min = forms.DecimalField(
        label="Minimum value (£, optional)", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    value_max = forms.DecimalField(
        label="Maximum value (£, optional)", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=AlertSubscription.Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = list(itl_regions())

    def clean_cpv_codes(self):
        codes = []
        for raw in self.cleaned_data["cpv_codes"].replace(",", " ").split():
            digits = raw.split("-")[0]
            code = (
                CpvCode.objects.filter(code__startswith=digits).order_by("code").first()
                if len(digits) == 8
                else None
            )
            if not digits.isdigit() or code is None:
                raise ValidationError(f"{raw} is not a CPV code: enter 8-digit codes like 45000000")
            codes.append(code)
        return codes

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("value_min"), cleaned.get("value_max")
        if low is not None and high is not None and low > high:
            self.add_error("value_max", "The maximum value must be at least the minimum value")
        return cleaned
