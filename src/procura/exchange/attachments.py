"""Reply attachments: PDF, DOCX or an image, checked by size and by their bytes, not their name."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

import filetype

from procura.errors import InvalidInput

# What the bytes must be, by the extension the sender gave.
ALLOWED = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


@dataclass(frozen=True)
class Attachment:
    """A checked attachment: its name, media type, hash and bytes."""

    name: str
    media_type: str
    sha256: str
    data: bytes


def _sniffed(data: bytes) -> str | None:
    kind = filetype.guess(data)
    if kind is None:
        return None
    if kind.mime == "application/zip" or kind.extension == "docx":
        # A DOCX is a ZIP holding word/document.xml; any other ZIP is not one.
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return ALLOWED[".docx"] if "word/document.xml" in archive.namelist() else None
        except zipfile.BadZipFile:
            return None
    return str(kind.mime)


def check(name: str, data: bytes, max_bytes: int) -> Attachment:
    """The attachment if its extension is allowed, its bytes are that type and it is not too large."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ALLOWED:
        raise InvalidInput(
            f"附件类型不允许 attachment {name!r}: only {', '.join(sorted(ALLOWED))}", {"field": "attachment"}
        )
    if not data:
        raise InvalidInput(f"附件为空 attachment {name!r} is empty", {"field": "attachment"})
    if len(data) > max_bytes:
        raise InvalidInput(
            f"附件过大 attachment {name!r} is {len(data)} bytes; at most {max_bytes}", {"field": "attachment"}
        )
    actual = _sniffed(data)
    if actual != ALLOWED[suffix]:
        raise InvalidInput(
            f"附件内容与类型不符 attachment {name!r} is not a {suffix} file "
            f"(its bytes read as {actual or 'unknown'})",
            {"field": "attachment"},
        )
    return Attachment(name, actual, hashlib.sha256(data).hexdigest(), data)
