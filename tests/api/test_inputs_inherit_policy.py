"""Every input schema of /api/v1 is built on core.api.schemas.In, so the one text and number policy
(core.text: NFKC, no control or direction characters, lengths, finite numbers, 32-bit integers)
applies to it: a new endpoint cannot forget it."""

import typing

import pydantic

from fugong.core.api import In, api


def _models(annotation):
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, pydantic.BaseModel):
            yield candidate
        elif typing.get_args(candidate):
            yield from _models(candidate)


def _inputs():
    for _prefix, router in api._routers:
        for operations in router.path_operations.values():
            for operation in operations.operations:
                for params in operation.models:  # ninja's model per parameter source (path, query, body…)
                    for name, field in params.model_fields.items():
                        for model in _models(field.annotation):
                            yield operation.view_func, name, model


def test_every_input_schema_inherits_the_input_policy():
    inputs = list(_inputs())
    assert len(inputs) > 80  # the walk reaches the operations' schemas (a broken walk would pass empty)
    outside = sorted(
        f"{view.__module__}.{view.__name__}({name}: {model.__name__})"
        for view, name, model in inputs
        if not issubclass(model, In)
    )
    assert not outside, "input schemas not built on core.api.schemas.In: " + ", ".join(outside)
