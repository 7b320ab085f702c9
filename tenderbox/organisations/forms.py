"""Organisation details, invitations and roles."""

from django import forms
from django.core.exceptions import ValidationError

from tenderbox.lib.forms import GovukForm
from tenderbox.lib.uk import (
    itl_regions,
    normalise_companies_house_number,
    normalise_postcode,
    normalise_vat_number,
)
from tenderbox.organisations.models import ROLES_BY_KIND, Organisation

LABELS = {
    "name": "Legal name of the organisation",
    "trading_name": "Trading name (optional)",
    "companies_house_number": "Companies House number (optional)",
    "vat_number": "VAT number (optional)",
    "address_line_1": "Address line 1",
    "address_line_2": "Address line 2 (optional)",
    "town": "Town or city",
    "postcode": "Postcode",
    "region": "Region",
    "phone": "Organisation phone number (optional)",
    "contact_email": "Organisation contact email (optional)",
    "size": "Size of the organisation",
    "is_vcse": "It is a voluntary, community or social enterprise (VCSE)",
    "is_sole_trader": "I am a sole trader (a person trading on my own account)",
    "authority_type": "Type of authority",
}
HELP = {
    "companies_house_number": "8 characters, like 01234567 or SC123456. Leave empty if not registered.",
    "vat_number": "Like GB123456789. Leave empty if not VAT registered.",
    "name": "As registered. For a sole trader, your own name.",
}
REQUIRED = {
    "name": "Enter the legal name of the organisation",
    "address_line_1": "Enter the first line of the address",
    "town": "Enter the town or city",
    "postcode": "Enter the postcode",
    "region": "Select the region",
    "size": "Select the size of the organisation",
    "authority_type": "Select the type of authority",
}


class OrganisationForm(forms.ModelForm):
    """The details every organisation has; subclasses add the buyer's or supplier's own."""

    region = forms.ChoiceField(label=LABELS["region"], choices=())

    class Meta:
        model = Organisation
        fields = [
            "name",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "region",
            "phone",
            "contact_email",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Select a region"), *itl_regions()]
        for name, field in self.fields.items():
            field.label = LABELS.get(name, field.label)
            field.help_text = HELP.get(name, "")
            if name in REQUIRED:
                field.required = True
                field.error_messages["required"] = REQUIRED[name]

    def clean_postcode(self):
        try:
            return normalise_postcode(self.cleaned_data["postcode"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class SupplierForm(OrganisationForm):
    size = forms.ChoiceField(
        label=LABELS["size"], choices=[("", "Select a size"), *Organisation.Size.choices]
    )

    class Meta(OrganisationForm.Meta):
        fields = [
            "name",
            "trading_name",
            "is_sole_trader",
            "companies_house_number",
            "vat_number",
            "size",
            "is_vcse",
            *OrganisationForm.Meta.fields[1:],
        ]

    def clean_companies_house_number(self):
        value = self.cleaned_data["companies_house_number"].strip()
        return normalise_companies_house_number(value) if value else ""

    def clean_vat_number(self):
        value = self.cleaned_data["vat_number"].strip()
        return normalise_vat_number(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_sole_trader") and cleaned.get("size") == Organisation.Size.LARGE:
            self.add_error("size", "A sole trader cannot be a large organisation")
        number = cleaned.get("companies_house_number")
        if (
            number
            and Organisation.objects.filter(companies_house_number=number)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error(
                "companies_house_number",
                "An organisation with this Companies House number is already registered. Ask its "
                "admin to invite you.",
            )
        return cleaned


class BuyerForm(OrganisationForm):
    authority_type = forms.ChoiceField(
        label=LABELS["authority_type"],
        choices=[("", "Select a type"), *Organisation.AuthorityType.choices],
    )

    class Meta(OrganisationForm.Meta):
        fields = ["name", "authority_type", *OrganisationForm.Meta.fields[1:]]


def form_for(organisation: Organisation):
    return BuyerForm if organisation.is_buyer else SupplierForm


class InviteForm(GovukForm):
    email = forms.EmailField(label="Email address of the person to invite", max_length=254)
    role = forms.ChoiceField(label="Role", choices=())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in ROLES_BY_KIND[organisation.kind]]
        self.fields["role"].error_messages["required"] = "Select a role"


class RoleForm(GovukForm):
    role = forms.ChoiceField(label="Role", choices=())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in ROLES_BY_KIND[organisation.kind]]
