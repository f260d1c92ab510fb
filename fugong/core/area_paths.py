"""Rows that copy a parent's area path follow the parent when it moves.

Scoped rows keep their own ``area_path`` so that "everything under X" stays one indexed prefix
filter; the copy is taken from a parent when the row is written. Every model with an ``area_path``
declares where it comes from, as the name of its foreign key to that parent::

    class Filing(models.Model):
        enterprise = models.ForeignKey("enterprises.Enterprise", ...)
        area_path = models.CharField(...)
        area_path_source = "enterprise"

A parent that moves (an enterprise, a person) calls ``follow_move`` inside its own transaction:
every declaring model below it — directly, or through another declaring row such as an extension
through its problem — takes the new path in one UPDATE per model, whatever the number of rows.

Only rows that still hold the parent's old path move: a copy that already differs (a returnee
registered to another community than the person's home) was not taken from this parent's area.

A model may also declare ``area_path_derived(path) -> dict`` for columns that follow the area in the
same UPDATE (the street that holds a problem, the destination of a return); values are plain
column values (a foreign key's pk) or expressions over the row's own columns.

Core imports no app: the models are found through the app registry.
"""

from collections import defaultdict
from collections.abc import Hashable, Mapping
from functools import reduce
from operator import or_

from django.apps import apps
from django.db import models
from django.db.models import Case, Count, F, Q, Value, When

SOURCE = "area_path_source"
AUDIT_KEY = "moved_with_area"  # in the mover's audit entry: the rows that followed it, per kind


def declared_models() -> list[type[models.Model]]:
    """Every concrete model that declares where its ``area_path`` comes from."""
    return [m for m in apps.get_models() if getattr(m, SOURCE, None)]


def source_field(model: type[models.Model]) -> models.ForeignKey:
    return model._meta.get_field(getattr(model, SOURCE))


def followers(parent: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """The models whose path comes from ``parent``, parents before children, each with the lookup
    from it to the parent's pk (``"enterprise"``, ``"problem__enterprise"``)."""
    declared = declared_models()
    found, frontier = [], [(parent, "")]
    while frontier:
        current, lookup = frontier.pop(0)
        for model in declared:
            field = source_field(model)
            if field.related_model is current and model is not current:
                path = f"{field.name}__{lookup}" if lookup else field.name
                found.append((model, path))
                frontier.append((model, path))
    return found


def _rows_of(model: type[models.Model], lookup: str, pks: list) -> Q:
    """Rows of ``model`` that hang, through ``lookup``, on the parents ``pks`` — written as nested
    ``IN (SELECT …)`` on the row's own foreign key, since an UPDATE may not join."""
    name, _, rest = lookup.partition("__")
    field = model._meta.get_field(name)
    if not rest:
        return Q(**{f"{field.attname}__in": pks})
    related = field.related_model
    return Q(
        **{f"{field.attname}__in": related._base_manager.filter(_rows_of(related, rest, pks)).values("pk")}
    )


def _value(value):
    return value if hasattr(value, "resolve_expression") else Value(value)


def _update_values(model, groups: list[tuple[Q, str]]) -> dict:
    """``area_path`` (and the declared derived columns) for each group's new path: plain values for a
    single group, one CASE over the groups otherwise."""
    derive = getattr(model, "area_path_derived", None)
    per_group = [(q, {"area_path": new, **(derive(new) if derive else {})}) for q, new in groups]
    if len(per_group) == 1:
        return per_group[0][1]
    result = {}
    for name in per_group[0][1]:
        field = model._meta.get_field(name)
        result[name] = Case(
            *[When(q, then=_value(values[name])) for q, values in per_group],
            default=F(name),
            output_field=field.target_field if field.is_relation else field,
        )
    return result


def follow_move(
    *, parent: type[models.Model], moves: Mapping[Hashable, tuple[str, str]]
) -> dict[Hashable, dict[str, int]]:
    """After ``parent`` rows moved (``{pk: (old path, new path)}``), give every row that copies its
    path from them the new path: one UPDATE per declaring model. Call it inside the mover's
    transaction, after the parents are saved.

    Returns, per moved parent, the number of rows that followed it per kind of record (verbose name),
    for the parent's audit entry.
    """
    by_pair: dict[tuple[str, str], list] = defaultdict(list)
    for pk, (old, new) in moves.items():
        if old != new:
            by_pair[(old, new)].append(pk)
    if not by_pair:
        return {}
    counts: dict[Hashable, dict[str, int]] = {pk: {} for pks in by_pair.values() for pk in pks}
    for model, lookup in followers(parent):
        groups = [
            (_rows_of(model, lookup, pks) & Q(area_path=old), new) for (old, new), pks in by_pair.items()
        ]
        where = reduce(or_, (q for q, _new in groups))
        label = str(model._meta.verbose_name)
        rows = model._base_manager.filter(where)
        if len(counts) > 1:
            for pk, n in rows.order_by().values_list(lookup).annotate(n=Count("pk")):
                counts[pk][label] = n
        updated = rows.update(**_update_values(model, groups))
        if updated and len(counts) == 1:
            counts[next(iter(counts))][label] = updated
    return counts
