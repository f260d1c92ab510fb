"""Checks shared by the supervision services."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy

from fugong.core.scoping import VIEW
from fugong.enterprises.models import Enterprise

from .. import policies

TAKEN = gettext_lazy("已被他人处理，请刷新页面查看最新情况")
NOT_YOURS = gettext_lazy("该企业不在您的督查职责范围内：您可以查看，但不能办理")


def require(actor, capability: str, message: str) -> None:
    if not actor.can(capability):
        raise PermissionDenied(message)


def enterprise_in_scope(actor, enterprise_id: int, action: str = VIEW) -> Enterprise:
    """The enterprise, locked, if the actor may reach it (a 404 as for a missing one otherwise) and
    may take ``action`` on its supervision rows (refused otherwise)."""
    enterprise = Enterprise.objects.visible_to(actor).select_for_update().filter(pk=enterprise_id).first()
    if enterprise is None:
        raise Http404
    if action != VIEW and not policies.allows(actor, action, enterprise):
        raise PermissionDenied(NOT_YOURS)
    return enterprise


def locked_in_scope(model, actor, pk: int, action: str = VIEW):
    """A row of ``model`` locked for update, if the actor may see it (404 otherwise) and may take
    ``action`` on it (refused otherwise: seeing a row is not the right to act on it)."""
    visible = model.objects.visible_to(actor).filter(pk=pk).values("pk")
    row = model.objects.select_for_update().filter(pk__in=visible).first()
    if row is None:
        raise Http404
    if action != VIEW and not model.objects.visible_to(actor, action).filter(pk=row.pk).exists():
        raise PermissionDenied(NOT_YOURS)
    return row
