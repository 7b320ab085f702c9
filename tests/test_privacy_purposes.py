"""The legal-basis register is data that code refers to: every processing purpose named in the code is
an entry of privacy/register.py. And no feature collects special category data (UK GDPR Art. 9)."""

import ast
from pathlib import Path

import pytest
from django.apps import apps

import tenderbox
from tenderbox.privacy.map import Category, model_field_names, privacy_map
from tenderbox.privacy.register import PURPOSES

SOURCE = Path(tenderbox.__file__).parent
# Calls whose second argument is a purpose key (privacy/checks.py, privacy/actions.py).
PURPOSE_CALLS = {"may_process", "has_objected", "object_to"}


def _name(func) -> str:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def purposes_named_in_code() -> list[tuple[str, int, str]]:
    """(file, line, key) of every purpose written in the code: `purpose="..."` arguments, `"purpose":
    "..."` dict entries (audit details), the second argument of may_process/has_objected/object_to,
    and the string members of module-level `*_PURPOSES` sets."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        where = str(path.relative_to(SOURCE.parent))
        for node in ast.walk(ast.parse(path.read_text(), filename=where)):
            values = []
            if isinstance(node, ast.Call):
                values += [k.value for k in node.keywords if k.arg == "purpose"]
                if _name(node.func) in PURPOSE_CALLS and len(node.args) >= 2:
                    values.append(node.args[1])
            elif isinstance(node, ast.Dict):
                values += [v for k, v in zip(node.keys, node.values, strict=True) if _const(k) == "purpose"]
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id.endswith("_PURPOSES") for t in node.targets
            ):
                values += [n for n in ast.walk(node.value) if isinstance(_const(n), str)]
            found += [(where, v.lineno, _const(v)) for v in values if isinstance(_const(v), str)]
    return found


def _const(node):
    return node.value if isinstance(node, ast.Constant) else None


def test_every_purpose_named_in_the_code_is_a_register_entry():
    named = purposes_named_in_code()
    assert len(named) > 20  # the scan really finds the purposes (emails, checks, audit details)
    assert [(f, line, key) for f, line, key in named if key not in PURPOSES] == []


def test_the_scan_sees_the_purposes_of_emails_and_checks():
    keys = {key for _, _, key in purposes_named_in_code()}
    assert {"portal_service", "opportunity_alerts", "marketing", "privacy_rights", "service_changes"} <= keys


def test_an_email_for_a_purpose_outside_the_register_is_refused(db):
    from tenderbox.notifications.actions import send_email
    from tenderbox.notifications.models import Message

    with pytest.raises(KeyError):
        send_email(to="a@example.com", subject="s", template="x.txt", context={}, purpose="newsletter")
    assert Message.objects.count() == 0


def test_every_purpose_of_the_privacy_map_is_a_register_entry():
    assert {p for f in privacy_map().personal for p in f.purposes} - set(PURPOSES) == set()


# Children and special category data ---------------------------------------------------------------------

# UK GDPR Art. 9(1) special categories, and criminal offence data (Art. 10).
SPECIAL = (
    "racial",
    "ethnic",
    "political",
    "religio",
    "belief",
    "trade union",
    "trade_union",
    "genetic",
    "biometric",
    "health",
    "sex life",
    "sexual",
    "orientation",
    "criminal",
    "disabilit",
)


def test_the_privacy_map_has_no_special_category_of_data():
    assert [c for c in Category if any(word in c.value.lower() for word in SPECIAL)] == []


def test_no_model_field_holds_special_category_data():
    """The policy (2.2) and the notice promise no special category data: no field is named for it."""
    fields = [
        f"{model._meta.label}.{name}"
        for model in apps.get_models(include_auto_created=True)
        for name in model_field_names(model)
        if any(word in name.lower() for word in SPECIAL)
    ]
    assert fields == []
