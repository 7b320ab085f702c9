"""Forms for KPIs, period reports and ratings: the pages and the API validate with the same ones."""

from decimal import Decimal

from django import forms

from tenderbox.lib.forms import GovukForm
from tenderbox.performance.models import Kpi, Rating

MAX_VALUE = Decimal("999999999999.99")


def _number(label: str, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        max_digits=14,
        decimal_places=2,
        min_value=-MAX_VALUE,
        max_value=MAX_VALUE,
        error_messages={
            "invalid": f"{label} must be a number, like 95 or 12.5",
            "max_decimal_places": f"{label} can have at most 2 decimal places",
            "max_digits": f"{label} must be less than 1,000,000,000,000",
            "max_whole_digits": f"{label} must be less than 1,000,000,000,000",
            "max_value": f"{label} must be less than 1,000,000,000,000",
            "min_value": f"{label} must be more than -1,000,000,000,000",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "width": "10"}),
    )


class KpiForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=120,
        help_text="What is measured, for example 'Calls answered within 20 seconds'.",
    )
    description = forms.CharField(
        label="How it is measured (optional)", widget=forms.Textarea, required=False, max_length=2000
    )
    unit = forms.CharField(label="Unit", max_length=30, help_text="For example %, days, hours or complaints.")
    target = _number("Target", "The value to reach in each period.")
    period = forms.ChoiceField(
        label="How often is it reported?",
        choices=Kpi.Period.choices,
        widget=forms.RadioSelect,
        help_text="Months and quarters are calendar ones; years run from April to March.",
        error_messages={
            "required": "Select how often it is reported",
            "invalid_choice": "Select how often it is reported",
        },
    )
    direction = forms.ChoiceField(
        label="Which is better?",
        choices=Kpi.Direction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether a higher or a lower value is better",
            "invalid_choice": "Select whether a higher or a lower value is better",
        },
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter the name")
        return name

    def clean_unit(self):
        unit = self.cleaned_data["unit"].strip()
        if not unit:
            raise forms.ValidationError("Enter the unit")
        return unit


class ReportForm(GovukForm):
    """A value for one period of one KPI; `periods` are those that can be reported."""

    period = forms.ChoiceField(label="Period")
    value = _number("Value")
    comment = forms.CharField(
        label="Comment (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        help_text="Explain the value, for example why a target was missed and what you are doing about it.",
    )

    def __init__(self, *args, periods, reported: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {p.key: p for p in periods}
        self.fields["period"].choices = [("", "Choose a period")] + [
            (p.key, f"{p.label}{' (reported: a new value replaces it)' if p.starts_on in reported else ''}")
            for p in reversed(periods)
        ]
        self.fields["period"].error_messages.update(
            {"required": "Select the period", "invalid_choice": "Select one of the periods you can report"}
        )

    def clean_period(self):
        return self.periods[self.cleaned_data["period"]]


class RatingForm(GovukForm):
    """The buyer's rating of one quarter or financial year; `periods` are those that can be rated."""

    period = forms.ChoiceField(label="Period")
    rating = forms.ChoiceField(
        label="Rating",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        help_text="The scale of the contract performance notice (Procurement Act 2023 s.71).",
        error_messages={"required": "Select a rating", "invalid_choice": "Select a rating"},
    )
    feedback = forms.CharField(
        label="Feedback to the supplier",
        widget=forms.Textarea,
        max_length=10000,
        help_text="What went well and what must improve. The supplier reads this.",
        error_messages={"required": "Enter your feedback to the supplier"},
    )

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {f"{p.kind}:{p.key}": p for p in periods}
        self.fields["period"].choices = [("", "Choose a period")] + [
            (key, f"{'Quarter' if p.kind == 'quarterly' else 'Financial year'}: {p.label}")
            for key, p in sorted(
                self.periods.items(), key=lambda kv: (kv[1].ends_on, kv[1].kind), reverse=True
            )
        ]
        self.fields["period"].error_messages.update(
            {"required": "Select the period", "invalid_choice": "Select one of the periods you can rate"}
        )

    def clean_period(self):
        return self.periods[self.cleaned_data["period"]]

    def clean_feedback(self):
        feedback = self.cleaned_data["feedback"].strip()
        if not feedback:
            raise forms.ValidationError("Enter your feedback to the supplier")
        return feedback
