"""Checks shared by the quarantine services: the capability, the row in scope (locked), the area covered."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from fugong.areas.models import Area
from fugong.core.scoping import CHANGE


def _require(actor, capability: str, message: str) -> None:
    if not actor.can(capability):
        raise PermissionDenied(message)


def _locked(model, actor, pk, action: str = CHANGE):
    """The row in the actor's scope, locked; out of scope reads as missing."""
    try:
        return model.objects.visible_to(actor, action).select_for_update().get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise PermissionDenied(_("该记录不存在或不在您的管辖范围内")) from None


def _covers(actor, area: Area) -> bool:
    path = actor.area_scope_path
    return bool(actor.is_sysadmin or (path and area.path.startswith(path)))
