from ninja import Router, Schema

from .models import Area

router = Router(tags=["行政区划"])


class AreaOut(Schema):
    code: str
    name: str
    kind: str
    parent_code: str | None


@router.get("", response=list[AreaOut], summary="我管辖范围内的区划")
def list_areas(request):
    rows = Area.objects.visible_to(request.user).select_related("parent")
    return [{"code": a.code, "name": a.name, "kind": a.kind, "parent_code": a.parent.code if a.parent else None}
            for a in rows]
