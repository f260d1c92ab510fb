"""A roster row with the ID number of a person living in street B (issue 10, "Build" 2): the
enterprise admin of street A is answered exactly as for an unknown number, the roster shows what
was typed, and the disagreement goes to B's review list."""

import datetime as dt
import json

from fugong.core import fake
from fugong.health.models import Person, PersonDiscrepancy

from .test_filing_api import filing_body, post


def number(seq: int) -> str:
    return fake.id_number(seq, dt.date(1980, 5, 5))


def text_of(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def row(number: str, name="李小龙", phone="13500001234") -> dict:
    return {
        "name": name,
        "id_number": number,
        "phone": phone,
        "last14_location": "重庆市北碚区",
        "health_state": "healthy",
        "is_local": True,
    }


def test_a_known_number_out_of_scope_reads_as_an_unknown_one(world, setup, api_for, client_for):
    b = Person.objects.create(
        id_number=number(901),
        name="钱多多",
        phone="13911112222",
        address="朝阳路8号",
        area=world.areas["B1"],
    )
    admin = api_for("ent_admin_A")
    known = post(admin, "/api/v1/filings", filing_body(roster=[row(b.id_number)]))
    assert known.status_code == 201, known.content
    known_answer = known.json()
    for secret in ("钱多多", "2222", "朝阳"):
        assert secret not in text_of(known)
    page = client_for("ent_admin_A").get(f"/resumption/filings/{known_answer['id']}/")
    if page.status_code == 200:
        assert "钱多多" not in page.content.decode()
    # The row of an unknown number, on the same roster, reads the same but for the number.
    both = post(admin, "/api/v1/filings", filing_body(roster=[row(b.id_number), row(number(902))]))
    assert both.status_code == 200, both.content
    first, second = both.json()["roster"]
    first.pop("id_number"), second.pop("id_number")
    assert first == second
    assert [r["name"] for r in known_answer["roster"]] == ["李小龙"]
    b.refresh_from_db()
    assert b.name == "钱多多"
    claim = PersonDiscrepancy.objects.get(person=b)  # typed twice, filed once while open
    assert (claim.source, claim.typed_name, claim.name_differs) == ("roster", "李小龙", True)
    assert api_for("community_B").get("/api/v1/persons/discrepancies").json()["count"] == 1
    assert api_for("community_A").get("/api/v1/persons/discrepancies").json()["count"] == 0


def test_the_same_name_files_no_review_and_a_new_number_creates_the_person(world, setup, api_for):
    b = Person.objects.create(
        id_number=number(903), name="钱多多", phone="13500001234", area=world.areas["B1"]
    )
    admin = api_for("ent_admin_A")
    rows = [row(b.id_number, name="钱多 多"), row(number(904))]
    saved = post(admin, "/api/v1/filings", filing_body(roster=rows))
    assert saved.status_code == 201, saved.content
    assert not PersonDiscrepancy.objects.exists()
    assert Person.objects.get(id_number=number(904)).name == "李小龙"
