from django import forms

from tenderbox.api.actions import MAX_TOKEN_DAYS
from tenderbox.api.models import ApiToken
from tenderbox.lib.forms import GovukForm


class TokenForm(GovukForm):
    name = forms.CharField(
        label="What is the token for?", max_length=100, help_text="For example: ERP integration."
    )
    scope = forms.ChoiceField(
        label="What may it do?",
        choices=ApiToken.Scope.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the token may do"},
    )
    days = forms.IntegerField(
        label="Days until it expires", min_value=1, max_value=MAX_TOKEN_DAYS, initial=90
    )
