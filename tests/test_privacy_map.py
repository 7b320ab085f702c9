"""The privacy map covers every field of every model, and docs/privacy-map.md is its rendering."""

from pathlib import Path

from django.conf import settings

from tenderbox.privacy.map import privacy_map, stale_declarations, unclassified_fields
from tenderbox.privacy.render import render_markdown


def test_every_model_field_is_classified():
    assert unclassified_fields() == []


def test_no_declaration_names_a_field_that_does_not_exist():
    assert stale_declarations() == []


def test_no_field_is_both_personal_and_not_personal():
    pmap = privacy_map()
    both = [f"{f.model}.{f.field}" for f in pmap.personal if f.field in pmap.not_personal.get(f.model, ())]
    assert both == []


def test_the_user_email_is_classified_as_contact_data():
    entry = privacy_map().classification("accounts.User", "email")
    assert (entry.category, entry.purposes, entry.retention) == (
        "contact",
        ("portal_service", "security"),
        "account_unused",
    )


def test_docs_privacy_map_is_up_to_date():
    path = Path(settings.BASE_DIR) / "docs" / "privacy-map.md"
    assert path.read_text() == render_markdown(), "run `tenderbox privacy-map` and commit docs/privacy-map.md"
