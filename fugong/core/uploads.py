"""Attachments (inspection photos, notice files): checked by size, extension and content, stored
under MEDIA_ROOT with a random name, and only ever served by a view that checks scope first —
there is no public media URL.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.http import FileResponse
from django.utils import timezone

# Extension → (content type, the file's first bytes). The content must match the extension.
KINDS = {
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}
PHOTO_KINDS = ("jpg", "jpeg", "png")
DOCUMENT_KINDS = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png")


@dataclass(frozen=True)
class CheckedFile:
    name: str  # the name the user gave it, for display and download
    extension: str
    content_type: str
    size: int


def check_upload(upload, *, kinds: tuple[str, ...], max_bytes: int | None = None) -> CheckedFile:
    """Refuse, in Chinese, a file that is too large, of a type not allowed, or whose content does
    not match its extension (a renamed .exe stays out)."""
    max_bytes = max_bytes or settings.ATTACHMENT_MAX_BYTES
    if upload is None:
        raise ValidationError("请选择文件")
    name = PurePath(getattr(upload, "name", "") or "").name[:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = "、".join(sorted({k.upper() for k in kinds}))
    if extension not in kinds:
        raise ValidationError(f"文件类型不允许：只能上传 {allowed} 文件", code="attachment_type")
    if upload.size > max_bytes:
        raise ValidationError(
            f"文件过大：单个文件不超过 {max_bytes // (1024 * 1024)} MB", code="attachment_size"
        )
    if upload.size == 0:
        raise ValidationError("文件是空的", code="attachment_empty")
    content_type, magics = KINDS[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise ValidationError(
            f"文件内容与扩展名 .{extension} 不符，请上传真实的 {allowed} 文件", code="attachment_content"
        )
    return CheckedFile(name=name, extension=extension, content_type=content_type, size=upload.size)


def storage_name(folder: str, checked: CheckedFile) -> str:
    """A random path under ``folder``: the user's file name never reaches the file system."""
    return f"{folder}/{uuid.uuid4().hex}.{checked.extension}"


def serve(field_file, *, download_name: str, content_type: str, inline: bool = False) -> FileResponse:
    """Send a stored file (after the caller checked scope)."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=not inline, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Files nobody refers to ---------------------------------------------------------------------------
#
# A file is written while its row is saved, inside the transaction; when that transaction rolls back
# (a release refused after its notice was drawn, an inspection that failed validation late) the row
# is gone and the file stays: personal data that no page shows and no one would delete. The sweep
# removes files under the upload folders that no FileField of any model names, once they are older
# than any transaction can be (an hour by default), so a file whose row is still being written is
# never touched.


def _stored_names() -> set[str]:
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names.update(
                    model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
                )
    return names


def _walk(storage, folder: str):
    dirs, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in dirs:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def sweep_orphans(*, older_than_seconds: int = 3600, dry_run: bool = False) -> list[str]:
    """Delete (or with ``dry_run`` only list) stored files that no row refers to, older than the limit."""
    if not default_storage.exists(""):
        return []
    referenced = _stored_names()
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    orphans = [
        name
        for name in _walk(default_storage, "")
        if name not in referenced and default_storage.get_modified_time(name) < cutoff
    ]
    if not dry_run:
        for name in orphans:
            default_storage.delete(name)
    return sorted(orphans)
