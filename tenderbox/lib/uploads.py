"""Checking uploaded files: size limit, real type sniffed from the content, safe names, SHA-256."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import puremagic

from tenderbox.lib.errors import DomainError

MAX_UPLOAD_BYTES = 25 * 1024 * 1024

# What a tender document may be: the types buyers and suppliers exchange, by sniffed type.
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "text/csv": ".csv",
    "text/plain": ".txt",
}
_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
ZIP_BASED = {".docx", ".xlsx", ".odt", ".ods"}


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    filename: str
    content_type: str
    sha256: str
    size: int


def safe_filename(name: str) -> str:
    """A name safe on every file system and in a Content-Disposition header: no path, no controls."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.\- ]+", "_", name).strip(" .")
    return (name or "file")[:150]


def _looks_like_text(content: bytes) -> bool:
    try:
        content[:65536].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in content[:65536]


def sniff(content: bytes, filename: str) -> str:
    """The file's real type, agreeing with its extension, or a DomainError saying what is wrong."""
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    declared = _EXTENSIONS.get(extension)
    if declared is None:
        allowed = ", ".join(sorted({e.lstrip(".").upper() for e in _EXTENSIONS}))
        raise DomainError(f"The file must be one of these types: {allowed}.")
    if declared in {"text/csv", "text/plain"}:
        if not _looks_like_text(content):
            raise DomainError(f"The file is not plain text, so it cannot be a {extension} file.")
        return declared
    try:
        found = {m.extension.lower() for m in puremagic.magic_string(content[:65536])}
    except puremagic.PureError:
        found = set()
    if extension in ZIP_BASED:
        ok = ".zip" in found or extension in found or ".docx" in found or ".xlsx" in found
    elif extension in {".jpg", ".jpeg"}:
        ok = bool(found & {".jpg", ".jpeg", ".jfif"})
    else:
        ok = extension in found
    if not ok:
        raise DomainError(f"The file's content is not a real {extension} file: it may be renamed or damaged.")
    return declared


# Office files are ZIP archives: refuse ones that would expand enormously (zip bombs) or that name
# paths outside themselves (path traversal), though Tenderbox never unpacks them itself.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ARCHIVE_ENTRIES = 5000


def check_archive(content: bytes) -> None:
    import io
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DomainError("The file is damaged: it cannot be opened.") from None
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise DomainError("The file holds too many parts to be a real document.")
    unpacked = 0
    for entry in entries:
        name = entry.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/") or ":" in name.split("/")[0]:
            raise DomainError("The file contains unsafe paths, so it was refused.")
        unpacked += entry.file_size
        if entry.compress_size and entry.file_size / entry.compress_size > MAX_COMPRESSION_RATIO:
            raise DomainError("The file would expand to an unsafe size, so it was refused.")
    if unpacked > MAX_UNPACKED_BYTES:
        raise DomainError("The file would expand to an unsafe size, so it was refused.")


def scan(content: bytes, filename: str) -> None:
    """The antivirus hook: settings.UPLOAD_SCANNER names a callable(content, filename) that raises
    DomainError for an infected file (for example one that asks a clamd daemon over its socket).
    Without one, nothing is scanned."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    path = getattr(settings, "UPLOAD_SCANNER", "")
    if path:
        import_string(path)(content, filename)


def check_upload(uploaded, *, max_bytes: int = MAX_UPLOAD_BYTES) -> CheckedFile:
    """Read an uploaded file once, refusing it clearly if it is too big or not what it claims."""
    if uploaded is None:
        raise DomainError("Select a file.")
    if uploaded.size > max_bytes:
        raise DomainError(f"The file must be smaller than {max_bytes // (1024 * 1024)} MB.")
    if uploaded.size == 0:
        raise DomainError("The selected file is empty.")
    content = uploaded.read()
    filename = safe_filename(uploaded.name)
    content_type = sniff(content, filename)
    if "." + filename.rsplit(".", 1)[-1].lower() in ZIP_BASED:
        check_archive(content)
    scan(content, filename)
    return CheckedFile(
        content=content,
        filename=filename,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
