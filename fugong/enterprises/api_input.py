"""API input → the web form: codes and usernames become the form's own (scoped) choices.

Only the choices the form offers the caller are searched, so an area or a person outside the
caller's scope is a field error, and every message is the one the web form shows.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict

from .forms import EnterpriseForm
from .models import Enterprise
from .schemas import API_TO_FORM, FORM_TO_API, USER_FIELDS


def _label(form, name: str) -> str:
    return str(form.fields[name].label)


def _resolve(form, given: dict) -> tuple[dict, dict[str, list[str]]]:
    """Form data from API values: area code → area pk, username → user pk, among the form's choices."""
    data, errors = {}, {}
    for api_name, value in given.items():
        name = API_TO_FORM.get(api_name, api_name)
        if value in (None, ""):
            data[name] = ""
            continue
        if name == "area":
            pk = (
                form.fields["area"]
                .queryset.filter(code=str(value).strip())
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                errors[api_name] = [f"区划编码“{value}”不存在或不在您的管辖范围内"]
            data[name] = pk or ""
        elif name in USER_FIELDS:
            qs = form.fields[name].queryset
            pk = qs.filter(username=str(value).strip()).values_list("pk", flat=True).first()
            if pk is None:
                errors[api_name] = [f"用户“{value}”不存在、不能担任{_label(form, name)}或不在您的管辖范围内"]
            data[name] = pk or ""
        else:
            data[name] = value
    return data, errors


def _current(enterprise: Enterprise, api_name: str):
    name = API_TO_FORM.get(api_name, api_name)
    if name == "area":
        return enterprise.area.code
    if name in USER_FIELDS:
        user = getattr(enterprise, name)
        return user.username if user else None
    if name == "working_group":
        return enterprise.working_group_id
    return getattr(enterprise, name)


def _refuse_fields(form, given: dict, enterprise: Enterprise | None) -> None:
    """403 for fields this role may not set; a value sent back unchanged is not a change."""
    refused = []
    for api_name, value in given.items():
        name = API_TO_FORM.get(api_name, api_name)
        if name in form.fields:
            continue
        unchanged = (
            value in (None, "", False) if enterprise is None else value == _current(enterprise, api_name)
        )
        if not unchanged:
            refused.append(str(Enterprise._meta.get_field(name).verbose_name))
    if refused:
        raise PermissionDenied(f"您无权填写或修改以下字段：{'、'.join(refused)}")


def validated_form(user, given: dict, enterprise: Enterprise | None = None) -> EnterpriseForm:
    """The web form bound to the API input (on top of the current values when editing)."""
    blank = EnterpriseForm(user=user, instance=enterprise)
    _refuse_fields(blank, given, enterprise)
    allowed = {k: v for k, v in given.items() if API_TO_FORM.get(k, k) in blank.fields}
    data, errors = _resolve(blank, allowed)
    if enterprise is not None:
        data = {**model_to_dict(enterprise, fields=list(blank.fields)), **data}
        data = {k: ("" if v is None else v) for k, v in data.items()}
    form = EnterpriseForm(data=data, user=user, instance=enterprise)
    if not form.is_valid() or errors:
        merged = {FORM_TO_API.get(f, f): [str(m) for m in msgs] for f, msgs in form.errors.items()}
        merged.update(errors)
        raise ValidationError(merged)
    return form
