"""Form helpers shared by every app: GOV.UK wording for Django's built-in messages."""

from django import forms


class GovukForm(forms.Form):
    """A form whose 'required' messages name the field, as the GOV.UK error-message pattern asks."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = (field.label or "").lower()
            field.error_messages.setdefault("required", f"Enter {label}")
            if field.error_messages["required"] == "This field is required.":
                field.error_messages["required"] = f"Enter {label}"


class GovukModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.error_messages.get("required") == "This field is required.":
                field.error_messages["required"] = f"Enter {(field.label or '').lower()}"
