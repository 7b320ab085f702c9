"""The response form, built from the procurement's lots, questions and criteria."""

import uuid

from django import forms

from tenderbox.tenders.forms import DateInput

YES_NO = [("yes", "Yes"), ("no", "No")]
PROFILE_LABELS = {
    "public_liability_cover": "Public liability insurance cover",
    "employers_liability_cover": "Employer's liability insurance cover",
    "insurance_expiry": "Insurance certificates expire on",
    "accreditations": "Accreditations held",
    "annual_turnover": "Latest annual turnover",
}


class ResponseForm(forms.Form):
    """Field names carry the ids they answer: lot_<id>, price_<id or whole>, selection_<id>,
    quality_<id>, and the profile fields (prefilled from the supplier's profile)."""

    def __init__(self, *args, procurement, content: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.procurement = procurement
        self.lots = list(procurement.lots.all())
        self.questions = list(procurement.selection_questions.all())
        self.criteria = list(procurement.criteria.filter(kind="quality"))
        if self.lots:
            self.fields["lots"] = forms.MultipleChoiceField(
                label="Lots you are bidding for",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(str(lot.pk), f"Lot {lot.number}: {lot.title}") for lot in self.lots],
                initial=[str(x) for x in content.get("lots", [])],
            )
            for lot in self.lots:
                self.fields[f"price_{lot.pk}"] = self._price(
                    f"Your price for lot {lot.number} excluding VAT (£)", content, str(lot.pk)
                )
        else:
            self.fields["price_whole"] = self._price("Your price excluding VAT (£)", content, "whole")
        for q in self.questions:
            answer = content.get("selection", {}).get(str(q.pk), {})
            self.fields[f"selection_{q.pk}"] = forms.ChoiceField(
                label=f"{q.number}. {q.text}",
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect,
                initial=answer.get("answer"),
            )
        for c in self.criteria:
            self.fields[f"quality_{c.pk}"] = forms.CharField(
                label=c.name,
                help_text=c.guidance,
                required=False,
                widget=forms.Textarea,
                max_length=20000,
                initial=content.get("quality", {}).get(str(c.pk), ""),
            )
        company = content.get("company", {})
        for name, label in PROFILE_LABELS.items():
            if name == "insurance_expiry":
                field = forms.DateField(label=label, required=False, widget=DateInput())
            elif name == "accreditations":
                field = forms.CharField(label=label, required=False, widget=forms.Textarea, max_length=5000)
            else:
                field = forms.CharField(label=label, required=False, max_length=100)
            field.initial = company.get(name) or None
            field.help_text = "From your profile." if company.get(name) else ""
            self.fields[name] = field
        self.fields["update_profile"] = forms.BooleanField(
            label="Save these insurance, accreditation and turnover answers to our profile for next time",
            required=False,
        )
        self.fields["declaration"] = forms.BooleanField(
            label="We declare that this response is true and complete",
            required=False,
            initial=content.get("declaration", False),
        )
        self.fields["idempotency_key"] = forms.CharField(
            widget=forms.HiddenInput, initial=uuid.uuid4().hex, max_length=64, required=False
        )

    @staticmethod
    def _price(label, content, key):
        return forms.DecimalField(
            label=label,
            required=False,
            min_value=0,
            max_digits=14,
            decimal_places=2,
            initial=content.get("prices", {}).get(key) or None,
            error_messages={"invalid": "Enter the price as a number, like 125000.50"},
        )

    def content(self, previous: dict) -> dict:
        """The draft content from the cleaned form, keeping the company details already held."""
        data = self.cleaned_data
        prices = {}
        for key in [str(lot.pk) for lot in self.lots] or ["whole"]:
            value = data.get(f"price_{key}")
            if value is not None:
                prices[key] = str(value)
        company = dict(previous.get("company", {}))
        for name in PROFILE_LABELS:
            value = data.get(name)
            company[name] = value.isoformat() if hasattr(value, "isoformat") else (value or "")
        return {
            "lots": [int(x) for x in data.get("lots", [])] if self.lots else [],
            "prices": prices,
            "selection": {str(q.pk): {"answer": data.get(f"selection_{q.pk}") or ""} for q in self.questions},
            "quality": {str(c.pk): data.get(f"quality_{c.pk}", "") for c in self.criteria},
            "company": company,
            "declaration": bool(data.get("declaration")),
        }


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label="Attach a document",
        help_text="PDF, Word, Excel, OpenDocument, CSV, text or images, up to 25 MB.",
    )


class ProfileForm(forms.Form):
    public_liability_cover = forms.CharField(
        label=PROFILE_LABELS["public_liability_cover"], required=False, max_length=100
    )
    employers_liability_cover = forms.CharField(
        label=PROFILE_LABELS["employers_liability_cover"], required=False, max_length=100
    )
    insurance_expiry = forms.DateField(
        label=PROFILE_LABELS["insurance_expiry"], required=False, widget=DateInput()
    )
    accreditations = forms.CharField(
        label=PROFILE_LABELS["accreditations"], required=False, widget=forms.Textarea, max_length=5000
    )
    annual_turnover = forms.CharField(label=PROFILE_LABELS["annual_turnover"], required=False, max_length=100)
    declarations = forms.BooleanField(
        label="We confirm that no exclusion ground applies to us and that we are not on the debarment "
        "list (Procurement Act 2023 Schedules 6 and 7, s.62): answer the standard declarations 'yes' in "
        "new responses",
        required=False,
    )


class ProfileDocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of document", widget=forms.RadioSelect, choices=())
    file = forms.FileField(
        label="File", help_text="PDF, Word, Excel, OpenDocument, CSV, text or images, up to 25 MB."
    )

    def __init__(self, *args, **kwargs):
        from tenderbox.submissions.models import ProfileDocument

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ProfileDocument.Kind.choices
