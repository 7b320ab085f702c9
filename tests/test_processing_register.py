"""The register of processing (Art. 30) and the notice draft are generated from the privacy map and the
registers: docs/register-of-processing.md and docs/privacy-notice.md are their current rendering, and
the privacy officer reads the register, with the processors, in the admin site."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenderbox.privacy import notices, processing_register
from tenderbox.privacy.models import Processor
from tenderbox.privacy.register import PURPOSES
from tenderbox.privacy.retention import RULES
from tests.conftest import make_user, sign_in


def test_every_purpose_is_an_activity_with_its_recipients():
    assert [a.key for a in processing_register.activities()] == list(PURPOSES)
    assert set(processing_register.RECIPIENTS) == set(PURPOSES)


def test_an_activity_lists_the_people_data_records_and_retention_of_the_map():
    alerts = next(a for a in processing_register.activities() if a.key == "opportunity_alerts")
    assert alerts.basis.startswith("Legitimate interests (UK GDPR Art. 6(1)(f)).")
    assert alerts.people == (processing_register.ACCOUNT_HOLDERS,)
    assert alerts.data == ("account records", "communications")
    assert alerts.records == ("alert delivery", "alert subscription")
    assert alerts.retention == (RULES["account_unused"].summary,)


def test_every_category_of_the_map_has_words_in_the_notice():
    from tenderbox.privacy.map import Category

    assert set(Category) - {Category.LINK} <= set(notices.CATEGORY_WORDS)


@pytest.mark.parametrize("name", ["register-of-processing.md", "privacy-notice.md"])
def test_the_generated_documents_are_current(name, settings):
    """When this fails, the difference is the change to what the notice promises: run
    `tenderbox privacy-docs`, commit, and after deploying publish the draft (docs/operations.md)."""
    path = Path(settings.BASE_DIR) / "docs" / name
    text = {
        "register-of-processing.md": processing_register.render_markdown,
        "privacy-notice.md": notices.draft_markdown,
    }[name]()
    diff = notices.difference(path.read_text(), text, old_label=f"{name} (committed)", new_label="code")
    assert diff == [], "\n".join(diff)


def test_the_check_command_fails_on_a_stale_document_and_shows_the_difference(tmp_path, settings, capsys):
    (tmp_path / "docs").mkdir()
    settings.BASE_DIR = tmp_path
    call_command("privacy-docs")
    call_command("privacy-docs", "--check")
    stale = tmp_path / "docs" / "register-of-processing.md"
    stale.write_text(stale.read_text().replace("Argon2id", "MD5"))
    with pytest.raises(CommandError, match="register-of-processing.md out of date"):
        call_command("privacy-docs", "--check")
    err = capsys.readouterr().err
    assert "-- Passwords hashed with MD5" in err and "+- Passwords hashed with Argon2id" in err


def test_the_privacy_officer_reads_the_register_with_the_processors(client, db):
    officer = make_user("po@tenderbox.example", "Pat Officer", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=officer, name="App", key="00" * 20, confirmed=True)
    Processor.objects.create(
        name="Example Hosting Ltd",
        service="Hosting",
        data_processed="All portal data",
        location="UK",
        due_diligence_on=date(2026, 11, 2),
        agreement_in_place=True,
    )
    sign_in(client, officer)
    page = client.get("/admin/privacy/processor/register-of-processing/").content.decode()
    assert 'id="activity-legal_publication"' in page
    assert "<td>Example Hosting Ltd</td><td>Hosting</td>" in page
    assert (
        "/admin/privacy/processor/register-of-processing/"
        in client.get("/admin/privacy/processor/").content.decode()
    )


def test_people_who_are_not_staff_cannot_read_the_register(client, alice):
    sign_in(client, alice)
    response = client.get("/admin/privacy/processor/register-of-processing/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
