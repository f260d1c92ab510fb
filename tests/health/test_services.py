"""Registry writes: registration with duplicates refused, import all-or-nothing, merge with history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fugong.core.audit import history
from fugong.health import services
from fugong.health.models import Employment, Person

from .helpers import id_no, on_roster, person, staff, wrong_check


def test_community_worker_registers_a_resident_with_an_audit_entry(world):
    user = world.user("community_A")
    p = services.person_create(
        actor=user,
        id_number=id_no(1).lower(),
        name=" 张三 ",
        phone="13800138000",
        area=world.areas["A1"],
        address="天生路1号",
    )
    assert (p.name, p.area_path, p.created_by) == ("张三", world.areas["A1"].path, user)
    entry = history(p).get()
    assert entry.action == "create" and entry.changes["id_number"][1].startswith(id_no(1)[:4] + "****")


def test_duplicate_id_number_is_refused_and_nothing_saved(world):
    # In scope only: out of scope the registration links (tests/health/test_natural_keys.py).
    person(world, "A1", 2)
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            actor=world.user("community_A"), id_number=id_no(2), name="李四", area=world.areas["A1"]
        )
    assert exc.value.message_dict == {"id_number": ["该身份证号已登记"]}
    assert Person.objects.filter(id_number=id_no(2)).count() == 1


def test_wrong_check_digit_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            actor=world.user("community_A"), id_number=wrong_check(3), name="王五", area=world.areas["A1"]
        )
    assert exc.value.message_dict["id_number"] == ["身份证号校验位不正确，请核对后重新输入"]
    assert not Person.objects.filter(name="王五").exists()


def test_registering_outside_ones_area_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            actor=world.user("community_A"), id_number=id_no(4), name="赵六", area=world.areas["B1"]
        )
    assert exc.value.message_dict["area"] == ["该社区不在您的管辖范围内"]
    assert not Person.objects.filter(id_number=id_no(4)).exists()


def rows(*specs):
    return [
        (n, {"name": name, "id_number": idn, "phone": "", "area": area, "address": ""})
        for n, (name, idn, area) in enumerate(specs, start=2)
    ]


def test_import_reports_every_bad_row_and_saves_nothing(world):
    person(world, "A1", 10)
    data = rows(
        ("甲", id_no(11), "500109001001"),
        ("乙", id_no(11), "500109001001"),
        ("丙", id_no(10), "500109001001"),
        ("丁", wrong_check(12), "500109001001"),
        ("戊", id_no(13), "500109002001"),
    )
    result = services.person_import(actor=world.user("community_A"), rows=data)
    assert [str(e) for e in result.errors] == [
        "第 3 行 「身份证号」：与第 2 行重复",
        "第 4 行 「身份证号」：该身份证号已登记",
        "第 5 行 「身份证号」：身份证号校验位不正确，请核对后重新输入",
        "第 6 行 「居住社区编码」：该社区不在您的管辖范围内",
    ]
    assert result.created == 0 and not Person.objects.filter(id_number=id_no(11)).exists()


def test_import_valid_rows_only(world):
    data = rows(("甲", id_no(21), "500109001001"), ("丁", wrong_check(22), "500109001001"))
    result = services.person_import(actor=world.user("community_A"), rows=data, valid_only=True)
    assert (result.created, len(result.errors)) == (1, 1)
    p = Person.objects.get(id_number=id_no(21))
    assert p.area_path == world.areas["A1"].path and history(p).get().action == "import"


def test_merge_moves_employment_and_roster_and_keeps_a_tombstone(world):
    user = world.user("street_A")
    survivor = staff(world, "A1_above_scale", 30)
    duplicate = staff(world, "A1_commerce", 31)
    Employment.objects.create(person=duplicate, enterprise=world.enterprises["A1_above_scale"])
    entry = on_roster(world, "A1_commerce", duplicate)
    services.person_merge(
        actor=user, duplicate_id=duplicate.pk, survivor_id=survivor.pk, reason="身份证号录错"
    )
    duplicate.refresh_from_db()
    entry.refresh_from_db()
    assert (duplicate.merged_into, duplicate.merged_by, duplicate.merge_reason) == (
        survivor,
        user,
        "身份证号录错",
    )
    assert duplicate.merged_at is not None and entry.person == survivor
    assert sorted(
        Employment.objects.filter(person=survivor).values_list("enterprise__name", flat=True)
    ) == sorted([world.enterprises["A1_above_scale"].name, world.enterprises["A1_commerce"].name])
    assert not Employment.objects.filter(person=duplicate).exists()
    assert history(duplicate).get().changes["merged_into"] == [None, survivor.name]
    assert history(survivor).get().changes["merge_reason"] == [None, "身份证号录错"]
    # a known duplicate's ID number now answers with the survivor
    assert services.person_get_or_create(id_number=duplicate.id_number, name="x")[0] == survivor


def test_merge_refused_for_self_tombstone_and_outside_scope(world):
    a1, a2, b = person(world, "A1", 40), person(world, "A1", 41), person(world, "B1", 42)
    user = world.user("street_A")
    with pytest.raises(ValidationError):
        services.person_merge(actor=user, duplicate_id=a1.pk, survivor_id=a1.pk, reason="r")
    with pytest.raises(PermissionDenied):
        services.person_merge(actor=user, duplicate_id=a1.pk, survivor_id=b.pk, reason="r")
    with pytest.raises(PermissionDenied):
        services.person_merge(
            actor=world.user("community_B"), duplicate_id=a1.pk, survivor_id=b.pk, reason="r"
        )
    assert not Person.objects.filter(merged_into__isnull=False).exists()
    services.person_merge(actor=user, duplicate_id=a1.pk, survivor_id=a2.pk, reason="重复登记")
    with pytest.raises(ValidationError):
        services.person_merge(actor=user, duplicate_id=a2.pk, survivor_id=a1.pk, reason="r")
    with pytest.raises(PermissionDenied):
        services.person_merge(actor=world.user("medic_A"), duplicate_id=a2.pk, survivor_id=a1.pk, reason="r")


def test_update_is_scoped_audited_and_keeps_the_id_number(world):
    p = person(world, "A1", 50)
    updated = services.person_update(
        actor=world.user("community_A"),
        person_id=p.pk,
        name="改名",
        phone="",
        area=world.areas["A1"],
        address="新地址",
    )
    assert (updated.name, updated.id_number) == ("改名", id_no(50))
    assert history(p).get().changes["name"] == ["居民50", "改名"]
    with pytest.raises(PermissionDenied):
        services.person_update(
            actor=world.user("community_B"), person_id=p.pk, name="x", area=world.areas["B1"]
        )
    assert Person.objects.get(pk=p.pk).name == "改名"


def test_merge_finds_every_foreign_key_to_person_including_hidden_ones():
    labels = {r.related_model._meta.label for r in services._relations()}
    assert {"health.Employment", "resumption.RosterEntry", "health.Person"} <= labels


def test_merge_drops_a_roster_row_that_would_duplicate_the_survivors(world):
    survivor, duplicate = staff(world, "A1_above_scale", 60), staff(world, "A1_above_scale", 61)
    kept = on_roster(world, "A1_above_scale", survivor)
    on_roster(world, "A1_above_scale", duplicate)
    services.person_merge(
        actor=world.user("street_A"), duplicate_id=duplicate.pk, survivor_id=survivor.pk, reason="重复"
    )
    from fugong.resumption.models import RosterEntry

    assert list(RosterEntry.objects.filter(filing=kept.filing).values_list("pk", flat=True)) == [kept.pk]
    assert Employment.objects.filter(person=survivor).count() == 1
    assert history(duplicate).get().changes["moved"][1] == {
        "返岗人员（重复，已删除）": 1,
        "员工名册（重复，已删除）": 1,
    }


def test_import_row_errors_follow_the_language(world):
    from django.utils import translation

    from fugong.health.services import person_import

    from .helpers import id_no

    with translation.override("en"):
        result = person_import(
            actor=world.users["community_A"],
            rows=[(2, {"name": "甲", "id_number": id_no(60), "area": "000000000000"})],
        )
    assert [e.column for e in result.errors] == ["Home community code"]
