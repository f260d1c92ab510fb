"""/api/v1/quarantine: handover between communities — the inbox, accept, return with a reason."""

from ninja import Router

from fugong.core.access import RETURNEE_REGISTER
from fugong.core.api import ErrorOut

from .. import selectors, services
from .base import WRITE, ReasonIn, _require
from .returnees import ReturneeOut, ReturneePage, _returnee, _returnee_found, _returnee_item

router = Router()  # tagged where fugong.quarantine.api gathers the parts


@router.post("/returnees/{id}/accept", response={200: ReturneeOut, **WRITE}, summary="接收移交的返区人员")
def accept_returnee(request, id: int):
    _returnee_found(request.user, id, RETURNEE_REGISTER)
    services.handover_accept(actor=request.user, returnee_id=id)
    return _returnee(request.user, id)


@router.post("/returnees/{id}/return", response={200: ReturneeOut, **WRITE}, summary="退回移交（须填写理由）")
def return_returnee(request, id: int, payload: ReasonIn):
    _returnee_found(request.user, id, RETURNEE_REGISTER)
    services.handover_return(actor=request.user, returnee_id=id, reason=payload.reason)
    return _returnee(request.user, id)


@router.get("/handovers", response={200: ReturneePage, 403: ErrorOut}, summary="待接收的返区人员")
def list_handovers(request):
    _require(request.user, RETURNEE_REGISTER)
    rows = list(selectors.handover_inbox(user=request.user).prefetch_related("decisions")[:500])
    return {"items": [_returnee_item(r) for r in rows], "count": len(rows)}
