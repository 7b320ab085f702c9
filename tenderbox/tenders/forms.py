"""Forms for preparing, publishing and amending procurements, asking questions, and searching."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from tenderbox.lib.forms import GovukForm
from tenderbox.lib.uk import itl_regions
from tenderbox.tenders.models import AwardCriterion, CpvCode, Procurement
from tenderbox.tenders.search import SORTS, SearchQuery


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def region_choices(blank: str = "Select a region"):
    return [("", blank), ("UK", "Whole of the UK"), *itl_regions()]


def lookup_cpv(value: str) -> CpvCode:
    code = (value or "").strip()
    if not code:
        raise ValidationError("Enter a CPV code, like 45000000-7")
    found = (
        CpvCode.objects.filter(code=code).first() or CpvCode.objects.filter(code__startswith=code[:8]).first()
    )
    if found is None or len(code.split("-")[0]) != 8:
        raise ValidationError("Enter a CPV code from the CPV 2008 vocabulary, like 45000000-7")
    return found


class ProcurementForm(forms.ModelForm):
    main_cpv_code = forms.CharField(
        label="Main CPV code",
        max_length=10,
        help_text="The code that best describes what you are buying, like 45000000-7. Search the "
        "vocabulary on the next page to add more.",
    )
    region = forms.ChoiceField(label="Where the work is delivered", choices=())

    class Meta:
        model = Procurement
        fields = [
            "title",
            "description",
            "category",
            "main_cpv_code",
            "value_excl_vat",
            "vat",
            "region",
            "procedure",
            "light_touch",
            "urgent",
            "planned_notice",
            "clarification_deadline",
            "submission_deadline",
            "expected_award_date",
            "contract_start",
            "contract_end",
        ]
        labels = {
            "title": "Title",
            "description": "Description",
            "category": "Main category",
            "value_excl_vat": "Estimated value excluding VAT (£)",
            "vat": "VAT on the estimated value (£)",
            "procedure": "Procedure",
            "light_touch": "These are light touch services",
            "urgent": "There is a state of urgency",
            "planned_notice": "A planned procurement notice was published",
            "clarification_deadline": "Deadline for questions",
            "submission_deadline": "Deadline for tenders",
            "expected_award_date": "Expected award date",
            "contract_start": "Contract start date",
            "contract_end": "Contract end date",
        }
        help_texts = {
            "value_excl_vat": "Include all options and extensions.",
            "vat": "Thresholds are compared with the value including VAT. Enter 0 if no VAT applies.",
            "submission_deadline": "UK time. Tenders are refused after this moment, to the second.",
        }
        widgets = {
            "category": forms.RadioSelect,
            "procedure": forms.RadioSelect,
            "description": forms.Textarea,
            "clarification_deadline": DateTimeLocalInput(),
            "submission_deadline": DateTimeLocalInput(),
            "expected_award_date": DateInput(),
            "contract_start": DateInput(),
            "contract_end": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()
        # A further competition is started from its framework lot and stays one; nothing else can
        # become one by choosing it here.
        further = Procurement.Procedure.FURTHER_COMPETITION
        self.fields["procedure"].choices = [
            (value, label)
            for value, label in Procurement.Procedure.choices
            if (value == further) == (self.instance.pk is not None and self.instance.is_further_competition)
        ]
        self.fields["category"].choices = Procurement.Category.choices
        if self.instance.pk:
            self.fields["main_cpv_code"].initial = self.instance.main_cpv_id
        for name in ("submission_deadline", "clarification_deadline", "expected_award_date"):
            self.fields[name].required = True
        for field in self.fields.values():
            if field.required and field.error_messages.get("required") == "This field is required.":
                field.error_messages["required"] = f"Enter {field.label.lower()}"
        self.fields["category"].error_messages["required"] = "Select the main category"
        self.fields["procedure"].error_messages["required"] = "Select the procedure"
        self.fields["region"].error_messages["required"] = "Select where the work is delivered"

    def clean_main_cpv_code(self):
        return lookup_cpv(self.cleaned_data["main_cpv_code"])

    def save(self, commit=True):
        self.instance.main_cpv = self.cleaned_data["main_cpv_code"]
        return super().save(commit)


class LotForm(GovukForm):
    title = forms.CharField(label="Lot title", max_length=200)
    description = forms.CharField(label="What the lot covers", widget=forms.Textarea, required=False)
    value_excl_vat = forms.DecimalField(
        label="Estimated value of the lot excluding VAT (£)",
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
    )


class CriterionForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of criterion", choices=AwardCriterion.Kind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label="Criterion", max_length=200, help_text="For example: Approach to delivery.")
    guidance = forms.CharField(
        label="What a good answer covers (optional)", widget=forms.Textarea, required=False
    )
    weight = forms.IntegerField(label="Weight (%)", min_value=1, max_value=100)


class SelectionQuestionForm(GovukForm):
    text = forms.CharField(label="Pass or fail question", widget=forms.Textarea)


class DocumentForm(GovukForm):
    title = forms.CharField(label="Document title", max_length=200)
    file = forms.FileField(
        label="File", help_text="PDF, Word, Excel, OpenDocument, CSV, text or images, up to 25 MB."
    )


class AmendForm(GovukForm):
    reason = forms.CharField(
        label="Why is the procurement changing?",
        widget=forms.Textarea,
        help_text="Every interested supplier is told.",
    )
    summary = forms.CharField(label="What changes", widget=forms.Textarea)
    new_deadline = forms.DateTimeField(
        label="New deadline for tenders (optional)",
        required=False,
        widget=DateTimeLocalInput(),
        help_text="Only a later deadline is allowed.",
    )
    document_title = forms.CharField(
        label="Title of an added document (optional)", max_length=200, required=False
    )
    file = forms.FileField(label="Add a document (optional)", required=False)


class CancelForm(GovukForm):
    reason = forms.CharField(
        label="Why is the procurement cancelled?",
        widget=forms.Textarea,
        help_text="It is published in the procurement termination notice.",
    )


class QuestionForm(GovukForm):
    question = forms.CharField(
        label="Your question",
        widget=forms.Textarea,
        max_length=5000,
        help_text="The answer is published to every interested supplier without your name.",
    )


class AnswerForm(GovukForm):
    question = forms.CharField(
        label="Question as it will be published",
        widget=forms.Textarea,
        help_text="Remove anything that identifies who asked.",
    )
    answer = forms.CharField(label="Answer", widget=forms.Textarea)


class BuyerClarificationForm(GovukForm):
    question = forms.CharField(label="Subject", max_length=500)
    answer = forms.CharField(label="Clarification", widget=forms.Textarea)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    cpv = forms.CharField(
        label="CPV code",
        required=False,
        max_length=10,
        help_text="Includes every code beneath it, like 45000000 for all construction work.",
    )
    region = forms.ChoiceField(label="Region", required=False, choices=())
    value_min = forms.DecimalField(
        label="Minimum value (£)", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    value_max = forms.DecimalField(
        label="Maximum value (£)", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    procedure = forms.ChoiceField(
        label="Procedure", required=False, choices=[("", "Any procedure"), *Procurement.Procedure.choices]
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("open", "Open for tenders"), ("closed", "Closed"), ("any", "Any status")],
    )
    closing_after = forms.DateField(label="Closing on or after", required=False, widget=DateInput())
    closing_before = forms.DateField(label="Closing on or before", required=False, widget=DateInput())
    sort = forms.ChoiceField(label="Sort by", required=False, choices=[(k, v[1]) for k, v in SORTS.items()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices("Any region")

    def clean_cpv(self):
        value = self.cleaned_data["cpv"].strip()
        if value and not value.split("-")[0].isdigit():
            raise ValidationError("Enter a CPV code made of digits, like 45000000")
        return value

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("value_min"), cleaned.get("value_max")
        if low is not None and high is not None and low > high:
            self.add_error("value_max", "The maximum value must be at least the minimum value")
        return cleaned

    def query(self) -> SearchQuery:
        data = self.cleaned_data if self.is_valid() else {}
        return SearchQuery(
            text=data.get("q") or "",
            cpv=data.get("cpv") or "",
            region=data.get("region") or "",
            value_min=data.get("value_min"),
            value_max=data.get("value_max"),
            procedure=data.get("procedure") or "",
            status=data.get("status") or "open",
            closing_after=data.get("closing_after"),
            closing_before=data.get("closing_before"),
            sort=data.get("sort") or ("relevance" if data.get("q") else "closing"),
        )
