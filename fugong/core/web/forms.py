"""Base forms: styled for Bootstrap, dropdowns narrowed to what the user may see, service errors
mapped onto fields, every text cleaned by the one text policy and every number within its column."""

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.backends.base.operations import BaseDatabaseOperations
from django.forms.utils import pretty_name

from ..text import clean_text, is_code_field

INT32 = (-(2**31), 2**31 - 1)


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


def _text_to_python(field: forms.CharField, name: str, label: str, original):
    multiline = isinstance(field.widget, forms.Textarea)
    code = is_code_field(name)

    def to_python(value):
        value = original(value)
        if isinstance(value, str):  # a UUIDField, say, gives no str: nothing to clean
            value = clean_text(
                value, label=label, multiline=multiline, max_length=field.max_length, code=code
            )
        return value

    return to_python


def column_range(form: forms.BaseForm, name: str) -> tuple[int, int]:
    """The range of the model column behind ``name`` (a 32-bit integer when there is none): the same
    on every database, SQLite included, which would store any 64-bit value."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    try:
        internal = model._meta.get_field(name).get_internal_type() if model else None
    except FieldDoesNotExist:
        internal = None
    return BaseDatabaseOperations.integer_field_ranges.get(internal, INT32)


def apply_input_policy(form: forms.BaseForm) -> None:
    """Every text field cleaned by the text policy (passwords left as typed); every integer field
    bounded to its column. Floats and decimals are refused non-finite by Django itself."""
    for name, field in form.fields.items():
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
            label = str(field.label) if field.label else pretty_name(name)
            field.to_python = _text_to_python(field, name, label, field.to_python)
        elif isinstance(field, forms.IntegerField) and not isinstance(
            field, forms.FloatField | forms.DecimalField
        ):
            low, high = column_range(form, name)
            if field.min_value is None:
                field.min_value = low
                field.validators.append(MinValueValidator(low))
            if field.max_value is None:
                field.max_value = high
                field.validators.append(MaxValueValidator(high))


class KitFormMixin:
    """``user=`` narrows the dropdowns; the form styles itself; ``add_service_errors`` maps a service's
    ValidationError. Subclasses declare model choice fields with their full queryset."""

    error_field: str | None = None  # where errors naming no field of the form go

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            restrict_choices(self, user)
        apply_input_policy(self)
        style(self)

    def add_service_errors(self, exc: ValidationError) -> None:
        apply_service_errors(self, exc, default=self.error_field)


class KitForm(KitFormMixin, forms.Form):
    pass


class KitModelForm(KitFormMixin, forms.ModelForm):
    pass
