"""The personal-data map: one declaration per model field that holds personal data.

Each app declares its fields in its own `personal_data.py` (third-party models are declared in
`privacy/third_party.py`): `PERSONAL` lists `Field` entries, `NOT_PERSONAL` maps a model label to
the fields that hold no personal data. `tests/test_privacy_map.py` fails when any field of any
installed model is in neither, so no feature can add personal data silently. Subject-access export,
erasure, restriction and retention are driven from these declarations; `tenderbox privacy-map`
renders them to docs/privacy-map.md.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import import_module

from django.apps import apps

from tenderbox.privacy.register import PURPOSES
from tenderbox.privacy.retention import RULES


class Category(StrEnum):
    IDENTITY = "identity"
    CONTACT = "contact"
    ONLINE = "online identifiers"
    CREDENTIALS = "credentials"
    ACCOUNT = "account records"
    CONSENT = "consent records"
    COMMUNICATIONS = "communications"
    BUSINESS = "sole trader business details"
    LINK = "link to a person"


class Export(StrEnum):
    INCLUDE = "included"
    DESCRIBE = "described, value withheld"  # secrets: the export says it exists, never the value


class Erasure(StrEnum):
    DELETE = "row deleted"
    BLANK = "blanked"
    ANONYMISE = "replaced with a placeholder"
    KEEP = "kept under its retention floor"
    UNLINKED = "kept; identifies nobody once the account is anonymised"
    FOLLOWS = "follows the row it points to"


@dataclass(frozen=True)
class Field:
    model: str
    field: str
    category: Category
    purposes: tuple[str, ...]
    retention: str
    export: Export = Export.INCLUDE
    erasure: Erasure = Erasure.BLANK
    note: str = ""

    def __post_init__(self):
        unknown = [p for p in self.purposes if p not in PURPOSES]
        if unknown:
            raise ValueError(f"{self.model}.{self.field}: unknown purposes {unknown}")
        if self.retention not in RULES:
            raise ValueError(f"{self.model}.{self.field}: unknown retention rule {self.retention}")


def fields(model: str, names: str, category: Category, purposes, retention: str, **kwargs) -> list[Field]:
    """Several fields of one model that share a classification."""
    return [Field(model, name, category, tuple(purposes), retention, **kwargs) for name in names.split()]


@dataclass(frozen=True)
class PrivacyMap:
    personal: tuple[Field, ...]
    not_personal: dict[str, frozenset[str]]

    def for_model(self, label: str) -> list[Field]:
        return [f for f in self.personal if f.model == label]

    def classification(self, label: str, field: str) -> Field | str | None:
        for entry in self.personal:
            if entry.model == label and entry.field == field:
                return entry
        if field in self.not_personal.get(label, ()):
            return "not personal"
        return None


def _modules():
    yield import_module("tenderbox.privacy.third_party")
    for config in apps.get_app_configs():
        if not config.name.startswith("tenderbox."):
            continue
        try:
            yield import_module(f"{config.name}.personal_data")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.personal_data":
                raise


@cache
def privacy_map() -> PrivacyMap:
    personal: list[Field] = []
    not_personal: dict[str, set[str]] = {}
    for module in _modules():
        personal.extend(getattr(module, "PERSONAL", []))
        for label, names in getattr(module, "NOT_PERSONAL", {}).items():
            not_personal.setdefault(label, set()).update(names.split())
    return PrivacyMap(tuple(personal), {k: frozenset(v) for k, v in not_personal.items()})


def model_field_names(model) -> list[str]:
    """Every stored field of a model: columns and many-to-many relations."""
    names = [f.name for f in model._meta.concrete_fields]
    names += [f.name for f in model._meta.many_to_many]
    return names


def unclassified_fields() -> list[str]:
    """`app.Model.field` for every field the map neither classifies nor marks as not personal."""
    pmap = privacy_map()
    missing = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        for name in model_field_names(model):
            if pmap.classification(label, name) is None:
                missing.append(f"{label}.{name}")
    return missing


def stale_declarations() -> list[str]:
    """Declarations that name a model or field that no longer exists."""
    pmap = privacy_map()
    existing = {
        model._meta.label: set(model_field_names(model))
        for model in apps.get_models(include_auto_created=True)
    }
    stale = [f"{f.model}.{f.field}" for f in pmap.personal if f.field not in existing.get(f.model, ())]
    for label, names in pmap.not_personal.items():
        stale += [f"{label}.{n}" for n in names if n not in existing.get(label, ())]
    return stale
