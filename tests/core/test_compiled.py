"""CompiledLookup returns what the ORM would, with its related objects, without compiling per call."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fugong.accounts.models import ApiToken, hash_token
from fugong.core.compiled import CompiledLookup

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(world):
    now = timezone.now()
    made = []
    for i, name in enumerate(["employee_A", "street_A"]):
        made.append(
            ApiToken.objects.create(
                user=world.users[name],
                key_hash=hash_token(f"compiled-{i}"),
                prefix="compiled",
                expires_at=now + dt.timedelta(days=1),
            )
        )
    return made


def test_same_objects_as_the_orm_with_related_and_converted_values(tokens):
    lookup = CompiledLookup(ApiToken.objects.select_related("user"), "key_hash")
    for i, token in enumerate(tokens):
        found = lookup.get(hash_token(f"compiled-{i}"))
        expected = ApiToken.objects.select_related("user").get(pk=token.pk)
        assert found.pk == expected.pk and found.key_hash == expected.key_hash
        assert found.expires_at == expected.expires_at and found.expires_at.tzinfo is not None
        with CaptureQueriesContext(connection) as ctx:
            assert found.user.username == expected.user.username  # populated, no query
            assert found.user.scope_path == expected.user.scope_path
        assert len(ctx.captured_queries) == 0


def test_unknown_value_gives_none_and_one_query_per_call(tokens):
    lookup = CompiledLookup(ApiToken.objects.select_related("user"), "key_hash")
    lookup.get("warm-up")
    with CaptureQueriesContext(connection) as ctx:
        assert lookup.get(hash_token("no such token")) is None
        assert lookup.get(hash_token("compiled-1")).user_id == tokens[1].user_id
    assert len(ctx.captured_queries) == 2


def test_a_parameter_cannot_change_the_statement(tokens):
    lookup = CompiledLookup(ApiToken.objects.all(), "key_hash")
    assert lookup.get("' OR '1'='1") is None
    assert lookup.get(hash_token("compiled-0")).pk == tokens[0].pk


def test_compiled_insert_writes_what_save_would(world):
    import uuid
    from decimal import Decimal

    from fugong.checkins.models import Checkin
    from fugong.core.compiled import CompiledInsert
    from fugong.health.models import Person

    person = Person.objects.create(id_number="110101199003074514", name="插入测试", area=world.areas["A1"])
    insert = CompiledInsert(Checkin)
    now = timezone.now()
    rows = []
    for slot in (1, 2):
        row = Checkin(
            person=person,
            enterprise=None,
            day=timezone.localdate(),
            slot=slot,
            temperature=Decimal("36.6"),
            symptom="none",
            whereabouts="公司",
            submitted_at=now,
            key=uuid.uuid4(),
        )
        with CaptureQueriesContext(connection) as ctx:
            insert.insert(row)
        assert len(ctx.captured_queries) == 1 and ctx.captured_queries[0]["sql"].startswith("INSERT")
        rows.append(row)
    assert rows[0].pk and rows[1].pk == rows[0].pk + 1 and not rows[0]._state.adding
    stored = Checkin.objects.get(pk=rows[1].pk)
    assert (stored.person_id, stored.slot, stored.temperature, stored.whereabouts, stored.key) == (
        person.pk,
        2,
        Decimal("36.6"),
        "公司",
        rows[1].key,
    )
    assert stored.submitted_at == now
