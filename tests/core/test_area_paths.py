"""Every copied area path declares its source, so a new model cannot forget to follow a move."""

from django.apps import apps

from fugong.areas.models import Area
from fugong.core.area_paths import followers, source_field
from fugong.enterprises.models import Enterprise
from fugong.health.models import Person
from fugong.quarantine.models import Site

MOVERS = (Enterprise, Person, Site)  # the parents whose services change their area


def _with_area_path():
    return [m for m in apps.get_models() if any(f.name == "area_path" for f in m._meta.concrete_fields)]


def _root(model) -> type:
    """Follow the declared sources up to the node of the tree the path is taken from."""
    seen = []
    while model is not Area:
        assert model not in seen, f"area_path_source forms a cycle: {seen}"
        seen.append(model)
        model = source_field(model).related_model
    return seen[-1]


def test_every_model_with_an_area_path_declares_its_source():
    missing = [m._meta.label for m in _with_area_path() if not getattr(m, "area_path_source", None)]
    assert missing == []


def test_each_declared_source_is_a_foreign_key_to_a_node_or_to_a_row_with_a_path():
    wrong = []
    for model in _with_area_path():
        field = source_field(model)
        target = field.related_model
        if (
            not field.is_relation
            or field.many_to_many
            or not (target is Area or hasattr(target, "area_path_source"))
        ):
            wrong.append(model._meta.label)
    assert wrong == []


def test_rows_of_an_enterprise_a_person_or_a_site_take_their_path_from_a_mover():
    """A row hanging on an enterprise, a person or a site must copy its path through a parent that
    moves — not straight from an area, which would leave it behind when the parent moves."""
    wrong = []
    for model in _with_area_path():
        if model in MOVERS:
            continue
        hangs_on = {f.related_model for f in model._meta.concrete_fields if f.is_relation} & set(MOVERS)
        if hangs_on and _root(model) not in MOVERS:
            wrong.append(model._meta.label)
    assert wrong == []


def test_the_followers_of_each_mover():
    def labels(parent):
        return {(m._meta.label, lookup) for m, lookup in followers(parent)}

    assert labels(Enterprise) == {
        ("resumption.Filing", "enterprise"),
        ("resumption.DailyReport", "enterprise"),
        ("supervision.Inspection", "enterprise"),
        ("supervision.Finding", "enterprise"),
        ("supervision.Violation", "enterprise"),
        ("supervision.Listing", "enterprise"),
        ("ledger.Problem", "enterprise"),
        ("ledger.Extension", "problem__enterprise"),
        ("notices.NoticeRecipient", "enterprise"),
    }
    assert labels(Person) == {
        ("health.PersonDiscrepancy", "person"),
        ("quarantine.Returnee", "person"),
        ("quarantine.Order", "returnee__person"),
        ("quarantine.FollowUp", "order__returnee__person"),
        ("quarantine.ReleaseNotice", "order__returnee__person"),
        ("sensors.Binding", "order__returnee__person"),
        ("sensors.Event", "order__returnee__person"),
        ("sensors.Alert", "order__returnee__person"),
    }
    assert labels(Site) == set()  # rooms and stays carry no path of their own
