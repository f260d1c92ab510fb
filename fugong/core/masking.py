"""Masking of personal data, shared by templates, the API and exports.

Lists, API responses and exports show masked values; the full value is shown only on request by a
role allowed to see it, and every such view is logged (core.models.PersonalDataAccess).
"""


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    value = str(value)
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}****{value[-4:]}"


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    value = str(value)
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_name(value: str | None) -> str:
    """张三 → 张*, 欧阳小明 → 欧**明: used where a name alone would identify a patient."""
    if not value:
        return ""
    if len(value) <= 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


MASKERS = {"phone": mask_phone, "id_number": mask_id_number, "name": mask_name}


def mask(kind: str, value: str | None) -> str:
    return MASKERS[kind](value)
