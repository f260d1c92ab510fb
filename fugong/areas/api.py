"""/api/v1/areas: the administrative tree as far as the caller's scope reaches."""

from django.db.models import F
from ninja import Query, Router, Schema
from pydantic import Field

from .choices import AreaKind
from .models import Area

router = Router(tags=["行政区划"])


class AreaOut(Schema):
    code: str
    name: str
    kind: str
    parent_code: str | None


class AreaQuery(Schema):
    kind: AreaKind | None = Field(
        None, description="只列出此类型：district / street / town / park / community / village / grid"
    )
    under: str | None = Field(None, max_length=32, description="只列出此区划编码及其下级（须在管辖范围内）")


@router.get(
    "",
    response=list[AreaOut],
    summary="我管辖范围内的区划",
    description="区级角色得到全区，街镇干部得到本街镇及其下级，社区网格员得到本社区；企业角色没有区划范围，"
    "得到空列表。`under` 指向范围之外或不存在的区划时同样得到空列表。",
)
def list_areas(request, filters: Query[AreaQuery]):
    rows = Area.objects.visible_to(request.user)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.under:
        node = Area.objects.visible_to(request.user).filter(code=filters.under.strip()).values("path").first()
        if node is None:
            return []
        rows = rows.filter(path__startswith=node["path"])
    # One query: the parent's code comes through the join, not one lookup per row.
    return list(rows.order_by("path").values("code", "name", "kind", parent_code=F("parent__code")))
