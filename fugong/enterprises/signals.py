from django.dispatch import Signal

# Sent by the registry's services (never by model saves, so bulk imports are included) once the
# enterprises are written, inside the same transaction. ``changes`` is a list of
# ``(enterprise_id, before, after)`` where ``before`` / ``after`` are the (area_path, category,
# industry) that rates are kept by — ``before`` is None for a new enterprise. Receivers such as
# the resumption tallies move their counts accordingly.
registry_changed = Signal()


def rate_key(enterprise) -> tuple[str, str, str]:
    return (enterprise.area_path, enterprise.category, enterprise.industry)


def send_changes(changes: list[tuple[int, tuple | None, tuple]]) -> None:
    moved = [c for c in changes if c[1] != c[2]]
    if moved:
        registry_changed.send(sender="enterprises", changes=moved)
