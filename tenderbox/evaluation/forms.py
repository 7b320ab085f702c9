"""Evaluation forms: declarations, pass/fail marks, scores, moderation, the award."""

from django import forms

from tenderbox.lib.forms import GovukForm


class DeclarationForm(GovukForm):
    conflict = forms.ChoiceField(
        label="Do you have a conflict of interest in this procurement?",
        choices=[("no", "No, I have no conflict of interest"), ("yes", "Yes, I have a conflict of interest")],
        widget=forms.RadioSelect,
        help_text="For example a financial interest in, or a close relationship with, a supplier "
        "(Procurement Act 2023 s.81). Declaring one removes you from the evaluation.",
        error_messages={"required": "Select whether you have a conflict of interest"},
    )
    details = forms.CharField(label="Details of the conflict (if any)", widget=forms.Textarea, required=False)


class ScoresForm(forms.Form):
    """One score and justification per quality criterion: score_<id>, justification_<id>."""

    def __init__(self, *args, criteria, existing: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            mine = existing.get(c.pk)
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=f"Your score for {c.name} (0 to {c.max_score})",
                coerce=int,
                required=False,
                choices=[("", "Not scored")] + [(str(n), str(n)) for n in range(c.max_score + 1)],
                initial=mine.score if mine else "",
            )
            self.fields[f"justification_{c.pk}"] = forms.CharField(
                label=f"Justification for {c.name}",
                widget=forms.Textarea,
                required=False,
                initial=mine.justification if mine else "",
            )


class SelectionForm(forms.Form):
    """pass_<question id> (yes/no) and reason_<question id>."""

    def __init__(self, *args, questions, answers: dict, existing: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            mark = existing.get(q.pk)
            said = answers.get(str(q.pk), {}).get("answer", "")
            self.fields[f"pass_{q.pk}"] = forms.ChoiceField(
                label=f"{q.number}. {q.text} (supplier answered: {said or 'nothing'})",
                choices=[("yes", "Pass"), ("no", "Fail")],
                widget=forms.RadioSelect,
                required=False,
                initial=("yes" if mark.passed else "no") if mark else "",
            )
            self.fields[f"reason_{q.pk}"] = forms.CharField(
                label=f"Reason for question {q.number}", required=False, initial=mark.reason if mark else ""
            )


class ModerationForm(forms.Form):
    """agreed_<criterion id> and reason_<criterion id>."""

    def __init__(self, *args, criteria, existing: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            agreed = existing.get(c.pk)
            self.fields[f"agreed_{c.pk}"] = forms.TypedChoiceField(
                label=f"Agreed score for {c.name}",
                coerce=int,
                required=False,
                choices=[("", "Not moderated")] + [(str(n), str(n)) for n in range(c.max_score + 1)],
                initial=agreed.score if agreed else "",
            )
            self.fields[f"reason_{c.pk}"] = forms.CharField(
                label=f"Why this score for {c.name}",
                widget=forms.Textarea,
                required=False,
                initial=agreed.reason if agreed else "",
            )


class AwardForm(forms.Form):
    tie_break_reason = forms.CharField(
        label="How a tie at the top was decided (only if there is one)", widget=forms.Textarea, required=False
    )


class ContractDatesForm(GovukForm):
    """The dates of the contract entered into: the procurement's expected dates are offered, and the
    buyer confirms or corrects them (a contract cannot be recorded without its term)."""

    starts_on = forms.DateField(
        label="Contract start date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the contract start date", "invalid": "Enter a real start date"},
    )
    ends_on = forms.DateField(
        label="Contract end date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the contract end date", "invalid": "Enter a real end date"},
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The contract must end on or after the day it starts")
        return data
