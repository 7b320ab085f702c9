"""Uploads: the real type from the content, safe names, zip bombs and path traversal refused, the
antivirus hook called, and no input making the checks fail in any other way than a clear refusal."""

import contextlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from tenderbox.lib.errors import DomainError
from tenderbox.lib.uploads import check_upload, safe_filename, sniff


def _docx(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _upload(name, content):
    return SimpleUploadedFile(name, content)


def test_an_ordinary_docx_is_accepted():
    checked = check_upload(_upload("bid.docx", _docx({"word/document.xml": b"<w:document/>"})))
    assert checked.content_type.endswith("wordprocessingml.document")


def test_a_zip_bomb_is_refused():
    bomb = _docx({"word/document.xml": b"0" * 20_000_000})
    with pytest.raises(DomainError, match="unsafe size"):
        check_upload(_upload("bid.docx", bomb))


def test_path_traversal_inside_an_archive_is_refused():
    with pytest.raises(DomainError, match="unsafe paths"):
        check_upload(_upload("bid.docx", _docx({"../../etc/cron.d/evil": b"x"})))


def test_the_antivirus_hook_is_called(settings):
    settings.UPLOAD_SCANNER = "tests.test_uploads.refuse_everything"
    with pytest.raises(DomainError, match="infected"):
        check_upload(_upload("notes.txt", b"hello"))


def refuse_everything(content, filename):
    raise DomainError(f"{filename} looks infected.")


@pytest.mark.parametrize(
    ("typed", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\\\boot.ini", "boot.ini"),
        ("..", "file"),
        ("a<b>.pdf", "a_b_.pdf"),
    ],
)
def test_names_are_made_safe(typed, safe):
    assert safe_filename(typed) == safe


@settings(max_examples=200, deadline=None)
@given(content=st.binary(max_size=2048), name=st.text(max_size=40))
def test_no_file_makes_the_checks_fail_unclearly(content, name):
    with contextlib.suppress(DomainError):  # a clear refusal is fine; any other exception fails
        sniff(content, safe_filename(name))
