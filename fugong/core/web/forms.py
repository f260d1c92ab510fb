"""Base forms: styled for Bootstrap, dropdowns narrowed to what the user may see, service errors
mapped onto fields."""

from django import forms
from django.core.exceptions import ValidationError


def apply_service_errors(form: forms.BaseForm, exc: ValidationError, default: str | None = None) -> None:
    """Put a service's ValidationError on the fields it names; others on ``default`` (or the form)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {default: exc.messages}
    for name, messages in errors.items():
        target = name if name in form.fields else default if default in form.fields else None
        for message in messages:
            form.add_error(target, message)


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget that has none yet."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput | forms.RadioSelect):
            continue  # hidden inputs need none; radio groups are laid out by their page (e.g. a rating)
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


def restrict_choices(form: forms.BaseForm, user) -> None:
    """Every model choice whose model scopes itself shows only the rows the user may see."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "visible_to"):
            field.queryset = queryset.visible_to(user)


class KitFormMixin:
    """``user=`` narrows the dropdowns; the form styles itself; ``add_service_errors`` maps a service's
    ValidationError. Subclasses declare model choice fields with their full queryset."""

    error_field: str | None = None  # where errors naming no field of the form go

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            restrict_choices(self, user)
        style(self)

    def add_service_errors(self, exc: ValidationError) -> None:
        apply_service_errors(self, exc, default=self.error_field)


class KitForm(KitFormMixin, forms.Form):
    pass


class KitModelForm(KitFormMixin, forms.ModelForm):
    pass
