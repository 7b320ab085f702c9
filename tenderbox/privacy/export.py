"""The access and portability export (UK GDPR Arts. 15 and 20), generated from the privacy map.

`build_export(user)` finds every row of every app that holds the person's data (privacy/subject.py)
and writes, for every field the map declares on those rows, what the map says the export does with
it: the value, or (for secrets and sealed content) that it is held and why it is not shown. Another
person's identity in one of the person's rows (the buyer who answered their question, an address they
invited) is withheld (Art. 15(4)). The zip holds:

- `data.json`: everything, machine-readable (portability: structured, commonly used);
- `csv/<app.Model>.csv`: one table per kind of record;
- `summary.html`: the human-readable page: per category of data, the purposes, legal bases,
  recipients and retention, the person's rights, where the data came from and the automated decision
  Tenderbox makes (Art. 15(1)(a)-(h)), and a count of records per kind.
"""

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from tenderbox.privacy.map import Export, Field
from tenderbox.privacy.register import PURPOSES, LegalBasis
from tenderbox.privacy.retention import RULES
from tenderbox.privacy.subject import Found, find, iter_found

WITHHELD_OTHER = "another person (withheld)"

# Who each purpose discloses data to (Art. 15(1)(c)); processors come from the register of processors.
RECIPIENTS_BY_PURPOSE = {
    "procurement_assessment": "The contracting authority running the procurement, and its evaluators.",
    "legal_publication": "The public: published registers, notices and spending data (as the law requires).",
    "financial_records": "Our accountants and HM Revenue and Customs, when they ask.",
    "kpi_reporting": "The contracting authority that awarded the contract.",
}

SOURCES = (
    "You gave us most of this data when you registered and used the portal. Your organisation's "
    "administrators added memberships and invitations; buyers' staff wrote answers and decisions about "
    "your tenders; our systems recorded sign-ins, security events and the emails we sent."
)
AUTOMATED = (
    "When you signed up, an automated check looked for signs of fraud (privacy policy 3.4): a high score "
    "holds the account until a person decides. You can ask for a person to review it, say what you "
    "want considered, and contest the decision (UK GDPR Arts. 22A-22D). We make no other automated "
    "decisions and do no profiling."
)
RIGHTS = (
    "You can ask us to correct, erase or restrict your data, object to its use, take it elsewhere, and "
    "have a person review an automated decision. You can complain to us and to the Information "
    "Commissioner's Office (ico.org.uk, 0303 123 1113), and you can go to court."
)


def _decode_draft(obj):
    from tenderbox.submissions.actions import load_draft

    return load_draft(obj)


# Encrypted columns the export can open for their owner: (label, field) -> function(row) -> value.
DECODERS = {("submissions.Response", "draft"): _decode_draft}


def _plain(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return f"(encrypted, {len(value)} bytes)"
    return str(value)


def _is_subject(value, field, user) -> bool:
    if value in (None, ""):
        return True
    if isinstance(field, models.EmailField) or field.name == "username":
        return str(value).strip().lower() == user.email.strip().lower()
    return str(value) == str(user.pk)


def reader(model, entry: Field, found: Found, user) -> Callable:
    """How the export shows one declared field of one kind of row: a function of the row, decided
    once per kind (the decision depends on the field, never on the row), so a person with tens of
    thousands of rows costs a function call per value."""
    field = model._meta.get_field(entry.field)
    name = entry.field
    if entry.export == Export.DESCRIBE:
        described = f"held, not shown: {entry.note or entry.category}"
        return lambda obj: described
    decoder = DECODERS.get((model._meta.label, name))
    if decoder is not None:

        def decoded(obj):
            try:
                return decoder(obj)
            except Exception:  # noqa: BLE001 - a draft that cannot be opened is still described
                return "(encrypted: could not be opened)"

        return decoded
    if getattr(field, "many_to_many", False):
        return lambda obj: sorted(str(pk) for pk in getattr(obj, name).values_list("pk", flat=True))
    if field.is_relation:
        attname = field.attname
        if field.related_model is get_user_model():
            return lambda obj: _person(getattr(obj, attname), user)
        related = field.related_model._meta.label_lower
        return lambda obj: None if (value := getattr(obj, attname)) is None else f"{related} #{value}"
    if isinstance(field, models.FileField):
        return lambda obj: value.name.rsplit("/", 1)[-1] if (value := getattr(obj, name)) else ""
    if {k.field: k.kind for k in found.keys}.get(name) in {"email", "account_id"}:
        return lambda obj: (
            _plain(value) if _is_subject(value := getattr(obj, name), field, user) else WITHHELD_OTHER
        )
    return lambda obj: _plain(getattr(obj, name))


def _person(value, user):
    return "you" if value == user.pk else (None if value is None else WITHHELD_OTHER)


def field_value(obj, entry: Field, found: Found, user):
    """What the export shows for one declared field of one of the person's rows."""
    return reader(type(obj), entry, found, user)(obj)


def _columns(model, entries: list[Field]) -> list[str] | None:
    """The columns the export reads of a kind of row (its primary key and declared fields), or None
    to read them all: a kind with a decoder may need more than its declared fields."""
    if any((model._meta.label, e.field) in DECODERS for e in entries):
        return None
    fields = [model._meta.get_field(e.field) for e in entries]
    return ["pk", *(f.name for f in fields if f.concrete and not f.many_to_many)]


@dataclass
class ExportData:
    person: dict
    generated_at: str
    records: dict[str, list[dict]]
    categories: list[dict]

    def as_json(self) -> dict:
        return {
            "person": self.person,
            "generated_at": self.generated_at,
            "about": {"source": SOURCES, "automated_decisions": AUTOMATED, "your_rights": RIGHTS},
            "categories": self.categories,
            "records": self.records,
        }


def _recipients(purposes: set[str]) -> list[str]:
    from tenderbox.privacy.models import Processor

    found = [RECIPIENTS_BY_PURPOSE[p] for p in sorted(purposes) if p in RECIPIENTS_BY_PURPOSE]
    found += [f"{p.name} ({p.service}, {p.location})" for p in Processor.objects.order_by("name")]
    return found


def categories_of(entries: list[Field]) -> list[dict]:
    """Art. 15(1) information per category of data: purposes, bases, recipients, retention."""
    by_category: dict[str, list[Field]] = defaultdict(list)
    for entry in entries:
        by_category[str(entry.category)].append(entry)
    result = []
    for category in sorted(by_category):
        group = by_category[category]
        purposes = {p for e in group for p in e.purposes}
        bases = sorted({LegalBasis(PURPOSES[p].basis).label for p in purposes})
        rules = sorted({e.retention for e in group})
        result.append(
            {
                "category": category,
                "purposes": [PURPOSES[p].use for p in sorted(purposes)],
                "legal_bases": bases,
                "recipients": _recipients(purposes),
                "retention": [f"{RULES[r].summary} ({RULES[r].source})" for r in rules],
                "fields": sorted({f"{e.model}.{e.field}" for e in group}),
            }
        )
    return result


def collect(user) -> ExportData:
    """Every declared field of every row that holds the person's data."""
    records: dict[str, list[dict]] = {}
    used: list[Field] = []
    from tenderbox.privacy.map import privacy_map

    pmap = privacy_map()
    for found in iter_found(find(user)):
        entries = pmap.for_model(found.label)
        used += entries
        readers = [(e.field, reader(found.model, e, found, user)) for e in entries]
        columns = _columns(found.model, entries)
        rows = found.rows if columns is None else found.rows.only(*columns)
        records[found.label] = [
            {"id": _plain(obj.pk), "fields": {name: read(obj) for name, read in readers}}
            for obj in rows.iterator(chunk_size=2000)
        ]
    return ExportData(
        person={"name": user.full_name, "email": user.email, "account": user.pk},
        generated_at=timezone.now().isoformat(),
        records=records,
        categories=categories_of(used),
    )


def _csv(rows: list[dict]) -> str:
    names = sorted({name for row in rows for name in row["fields"]})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", *names])
    for row in rows:
        cells = []
        for name in names:
            value = row["fields"].get(name)
            cells.append(
                json.dumps(value) if isinstance(value, dict | list) else ("" if value is None else value)
            )
        writer.writerow([row["id"], *cells])
    return out.getvalue()


def summary_html(data: ExportData) -> str:
    return render_to_string(
        "privacy/export_summary.html",
        {
            "data": data,
            "counts": sorted((label, len(rows)) for label, rows in data.records.items()),
            "source": SOURCES,
            "automated": AUTOMATED,
            "rights": RIGHTS,
        },
    )


def build_export(user) -> bytes:
    """The zip for an access or portability request: data.json, one CSV per kind, summary.html."""
    data = collect(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data.as_json(), indent=2, ensure_ascii=False))
        for label, rows in sorted(data.records.items()):
            archive.writestr(f"csv/{label}.csv", _csv(rows))
        archive.writestr("summary.html", summary_html(data))
    return buffer.getvalue()
