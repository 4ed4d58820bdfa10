"""Checks for documents uploaded as evidence of a finding: type, content and size.

The file's first bytes must match its extension, so a renamed executable or HTML page is refused as well as
a file of a type we do not take. Used by the service, so the web form and the API refuse the same files.
"""

from pathlib import PurePath

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024

ZIP = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# extension → (content type, signatures the file may start with)
TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", ZIP),
    "doc": ("application/msword", OLE),
    "xls": ("application/vnd.ms-excel", OLE),
    "ppt": ("application/vnd.ms-powerpoint", OLE),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
}
ACCEPT = ",".join(f".{extension}" for extension in TYPES)


def extension_of(name: str) -> str:
    return PurePath(name or "").suffix.lower().lstrip(".")


def content_type_for(name: str) -> str:
    return TYPES.get(extension_of(name), ("application/octet-stream", ()))[0]


def download_response(evidence):
    """The evidence's document as an attachment that is never cached or sniffed; Http404 when the file is gone.

    The caller has checked that the user may read the finding (page and API alike).
    """
    from django.http import FileResponse, Http404

    try:
        handle = evidence.document.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = evidence.document_name or evidence.document.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type_for(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _starts_like(extension: str, head: bytes) -> bool:
    if extension == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return any(head.startswith(signature) for signature in TYPES[extension][1])


def check_document(upload) -> str:
    """Raise ValidationError (on ``document``) unless the upload is an accepted, non-empty document of at
    most 10 MB whose content matches its type; returns a safe version of its name for the download."""
    extension = extension_of(upload.name)
    if extension not in TYPES:
        raise ValidationError(
            {
                "document": _("Upload a PDF, an office document or an image (%(types)s).")
                % {"types": ", ".join(sorted(TYPES))}
            }
        )
    size = getattr(upload, "size", None) or 0
    if size > MAX_BYTES:
        raise ValidationError({"document": _("The file is larger than 10 MB.")})
    if size == 0:
        raise ValidationError({"document": _("The file is empty.")})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not _starts_like(extension, head):
        raise ValidationError(
            {"document": _("The file's content does not match its type “.%(type)s”.") % {"type": extension}}
        )
    try:
        stem = get_valid_filename(PurePath(upload.name).stem)[:150]
    except SuspiciousFileOperation:
        stem = ""
    return f"{stem or 'document'}.{extension}"
