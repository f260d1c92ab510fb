"""Checks shared by the supervision services."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from fugong.enterprises.models import Enterprise

TAKEN = "已被他人处理，请刷新页面查看最新情况"


def require(actor, capability: str, message: str) -> None:
    if not actor.can(capability):
        raise PermissionDenied(message)


def enterprise_in_scope(actor, enterprise_id: int) -> Enterprise:
    """The enterprise, locked, if the actor may reach it; otherwise a 404 as for a missing one."""
    enterprise = Enterprise.objects.visible_to(actor).select_for_update().filter(pk=enterprise_id).first()
    if enterprise is None:
        raise Http404
    return enterprise


def locked_in_scope(model, actor, pk: int):
    """A row of ``model`` locked for update, if the actor may see it; 404 otherwise."""
    visible = model.objects.visible_to(actor).filter(pk=pk).values("pk")
    row = model.objects.select_for_update().filter(pk__in=visible).first()
    if row is None:
        raise Http404
    return row
