from fugong.core import audit
from fugong.core.models import AuditEntry
from fugong.enterprises.models import Enterprise
from fugong.enterprises.services import enterprise_update


def test_an_update_records_who_what_before_and_after(world):
    enterprise = world.enterprises["A1_commerce"]
    actor = world.users["street_A"]
    old_phone = enterprise.legal_rep_phone

    enterprise_update(actor=actor, enterprise=enterprise, headcount=120, legal_rep_phone="13900001111")

    entry = AuditEntry.objects.filter(object_id=str(enterprise.pk)).first()
    assert entry.actor == actor
    assert entry.action == "update"
    assert entry.changes["headcount"] == [100, 120]
    # Personal fields are stored masked in the trail.
    assert entry.changes["legal_rep_phone"] == [f"{old_phone[:3]}****{old_phone[-4:]}", "139****1111"]
    assert list(audit.history(Enterprise.objects.get(pk=enterprise.pk)))[0] == entry


def test_an_update_that_changes_nothing_records_nothing(world):
    enterprise = world.enterprises["A1_commerce"]
    before = AuditEntry.objects.count()
    enterprise_update(actor=world.users["street_A"], enterprise=enterprise, headcount=enterprise.headcount)
    assert AuditEntry.objects.count() == before
