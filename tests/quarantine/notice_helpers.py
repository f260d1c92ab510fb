"""Released orders with their release notices, and reading the notices' PDFs back."""

import datetime as dt
import io

from django.utils import timezone
from pypdf import PdfReader

from fugong.quarantine import services
from fugong.quarantine.models import Order, RiskArea

from .factories import high_risk, register

BASE = "http://testserver/"


def released(world, street: str = "A", *, name: str = "张三", kind: str = "home", days: int = 14) -> Order:
    """A returnee of ``street``'s community, quarantined ``days`` days ago and released today by the
    community worker (the release issues the notice)."""
    if not RiskArea.objects.filter(province="湖北省", level="high").exists():
        high_risk()
    worker = world.users[f"community_{street}"]
    returnee = register(world, f"community_{street}", f"{street}1", name=name)
    services.decision_change(actor=worker, returnee_id=returnee.pk, measure=kind, days=days, reason="测试")
    order = services.order_issue(
        actor=worker, returnee_id=returnee.pk, start_date=timezone.localdate() - dt.timedelta(days=days)
    )
    return services.order_release(actor=worker, order_id=order.pk, base_url=BASE)


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    # pypdf leaves a NUL before each character of fpdf2's two-byte ToUnicode map; the text is intact.
    text = "\n".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    return text, len(reader.pages)


def embedded_fonts(data: bytes) -> list[str]:
    """The BaseFont names of the fonts whose program is embedded (FontFile3: CFF) in page 1."""
    reader = PdfReader(io.BytesIO(data))
    names = []
    for ref in reader.pages[0]["/Resources"]["/Font"].values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        if "/FontFile3" in descendant["/FontDescriptor"].get_object():
            names.append(str(font["/BaseFont"]))
    return names


def stored(notice) -> bytes:
    with notice.file.open("rb") as f:
        return f.read()
