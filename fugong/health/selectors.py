"""Reads about persons, always scoped to the viewer: the registry list, one person's file, lookup.

Search is exact on the ID number and the phone, never partial, so the search box cannot be used
to guess a number digit by digit; a name search is a substring match.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from fugong.areas.models import Area
from fugong.core.audit import history
from fugong.core.scoping import CHANGE, VIEW
from fugong.core.validators import id_number_check_digit, normalize_code, normalize_mobile

from .models import Employment, Person
from .policies import EMPLOYMENT, FILE, NONE, level_expression


@dataclass(frozen=True)
class PersonFilter:
    q: str = ""
    area: str = ""  # an area code

    @classmethod
    def from_params(cls, params) -> "PersonFilter":
        return cls(q=(params.get("q") or "").strip()[:64], area=(params.get("area") or "").strip()[:32])


def _looks_like_id(text: str) -> bool:
    code = normalize_code(text)
    return len(code) == 18 and code[:17].isdigit() and id_number_check_digit(code[:17]) == code[17]


def _search(qs: QuerySet, q: str) -> QuerySet:
    if not q:
        return qs
    code = normalize_code(q)
    if len(code) == 18 and code[:17].isdigit():
        return qs.filter(id_number=code) if _looks_like_id(code) else qs.none()
    if code[:1].isdigit() or code.startswith("+"):
        phone = normalize_mobile(q)
        return qs.filter(phone=phone) if len(phone) == 11 else qs.none()
    return qs.filter(name__icontains=q)


def person_list(*, user, f: PersonFilter = PersonFilter(), files_only: bool = False) -> QuerySet:
    """Living records (tombstones left out) in the viewer's scope, newest first; each row carries
    ``access_level`` (FILE or EMPLOYMENT, health.policies), so a staff row is rendered as such.
    ``files_only``: the FILE-level rows alone (the registry export)."""
    qs = Person.objects.visible_to(user, FILE if files_only else VIEW).filter(merged_into__isnull=True)
    qs = qs.annotate(access_level=level_expression(user))
    if f.area:
        area = Area.objects.visible_to(user).filter(code=f.area).first()
        qs = qs.filter(area_path__startswith=area.path) if area else qs.none()
    qs = _search(qs, f.q)
    return qs.select_related("area").order_by("-created_at", "-pk")


def person_get(*, user, pk, action: str = VIEW) -> Person:
    """One person the user reaches for ``action`` (VIEW, FILE or CHANGE: health.policies); a merged
    record is visible to whoever sees the record it went into."""
    visible = Person.objects.visible_to(user, action)
    try:
        return visible.get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        pass
    readable = action in (VIEW, FILE)
    tombstone = Person.objects.filter(pk=pk, merged_into__in=visible).first() if readable else None
    if tombstone is None:
        raise Http404
    return tombstone


def person_by_id_number(*, user, id_number: str, action: str = VIEW) -> Person | None:
    """The visible person with this ID number; a merged record answers with its survivor, and only
    the survivor's visibility counts (a tombstone has no scope of its own)."""
    person = Person.objects.filter(id_number=normalize_code(id_number)).only("pk", "merged_into").first()
    while person is not None and person.merged_into_id:
        person = Person.objects.filter(pk=person.merged_into_id).only("pk", "merged_into").first()
    if person is None:
        return None
    return Person.objects.visible_to(user, action).select_related("area").filter(pk=person.pk).first()


def same_name_and_phone(*, user, name: str, phone: str, exclude_pk=None) -> list[Person]:
    """Possible duplicates to warn about (not block): the same name and phone among visible records."""
    if not name or not phone:
        return []
    qs = Person.objects.visible_to(user, VIEW).filter(
        name=name.strip(), phone=normalize_mobile(phone), merged_into__isnull=True
    )
    return list(qs.exclude(pk=exclude_pk)[:5])


def _visible_enterprises(user):
    from fugong.enterprises.models import Enterprise

    return Enterprise.objects.visible_to(user, VIEW)


def person_access(*, user, person: Person) -> str:
    """The viewer's level on this person (health.policies: FILE, EMPLOYMENT or NONE), in one query.
    A merged record (a tombstone) has no scope of its own: the level is that on its survivor."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NONE
    pk = person.merged_into_id or person.pk
    level = (
        Person.objects.filter(pk=pk).annotate(level=level_expression(user)).values_list("level", flat=True)
    )
    return next(iter(level), NONE)


def person_employments(*, user, person: Person, level: str = FILE) -> list[Employment]:
    """Employers the viewer may see (an employer outside their scope stays unnamed); at the
    EMPLOYMENT level only the active employments there — the one the relation rests on, not the
    person's other or past employers."""
    qs = person.employments.filter(enterprise__in=_visible_enterprises(user))
    if level != FILE:
        qs = qs.filter(is_active=True) if level == EMPLOYMENT else qs.none()
    return list(qs.select_related("enterprise").order_by("-is_active", "-since"))


def person_history(*, person: Person) -> list:
    return list(history(person).order_by("-at", "-pk")[:100])


def merged_from(*, person: Person) -> list[Person]:
    return list(person.merged_from.select_related("merged_by").order_by("-merged_at"))


def can_change(*, user, person: Person) -> bool:
    return Person.objects.visible_to(user, CHANGE).filter(pk=person.pk).exists()


def registrable_areas(*, user) -> QuerySet:
    """Communities a person may be registered in by this user."""
    return Area.objects.visible_to(user).filter(kind__in=["community", "village", "grid"]).order_by("path")


def discrepancy_list(*, user, status: str = "") -> QuerySet:
    """Registrations by others to review (登记核实): the owning chain's only, open ones first."""
    from .models import DiscrepancyStatus, PersonDiscrepancy

    qs = PersonDiscrepancy.objects.visible_to(user, VIEW)
    if status in DiscrepancyStatus.values:
        qs = qs.filter(status=status)
    return qs.select_related("person__area", "typed_area", "created_by", "resolved_by").order_by(
        "-created_at", "-pk"
    )
