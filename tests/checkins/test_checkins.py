"""Check-ins: identify once, bad input, idempotency, repeat policy, proxy, alerts, missed, flags, scope."""

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fugong.checkins import selectors, services
from fugong.checkins.choices import FlagKind, OnRepeat
from fugong.checkins.models import Alert, Checkin, CheckinIdentity, Flag
from fugong.checkins.views import COOKIE

from .factories import checkin, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_settings():
    services.settings_clear_cache()
    yield
    services.settings_clear_cache()


@pytest.fixture
def a1(world):
    return world.enterprises["A1_above_scale"]


@pytest.fixture
def link(a1):
    return services.link_for(enterprise=a1)


def url(link):
    return reverse("checkins:checkin", args=[link.token])


def answers(**kw):
    data = {
        "action": "checkin",
        "key": str(uuid.uuid4()),
        "temperature": "36.6",
        "symptom": "none",
        "risk_contact": "0",
        "whereabouts": "公司",
    }
    data.update(kw)
    return data


def identify(client, link, person):
    return client.post(url(link), {"action": "identify", "name": person.name, "id_number": person.id_number})


def test_identify_once_then_remembered_without_id_number_in_cookie(world, a1, link):
    person = staff(a1, 1, "李明")
    phone = Client()
    assert "核验身份" in phone.get(url(link)).content.decode()
    assert identify(phone, link, person).status_code == 302
    cookie = phone.cookies[COOKIE].value
    assert person.id_number not in cookie and "李明" not in cookie
    page = phone.get(url(link)).content.decode()
    assert "您好，李明" in page and "提交打卡" in page
    done = phone.post(url(link), answers())
    assert done.status_code == 200 and "打卡成功" in done.content.decode()
    assert Checkin.objects.get().person == person


def test_identify_refused_when_not_on_staff_list(world, a1, link):
    other = staff(world.enterprises["B1_above_scale"], 2, "王五")
    phone = Client()
    page = identify(phone, link, other).content.decode()
    assert "本企业员工名单中没有这个姓名和身份证号" in page and COOKIE not in phone.cookies


def test_tampered_cookie_is_ignored(world, a1, link):
    staff(a1, 3)
    phone = Client()
    phone.cookies[COOKIE] = "1"
    assert "核验身份" in phone.get(url(link)).content.decode()


def test_logged_in_employee_identifies_once(world, a1, link, client_for):
    person = staff(a1, 4, "赵六")
    employee = client_for("employee_A")
    identify(employee, link, person)
    assert CheckinIdentity.objects.get(user=world.users["employee_A"]).person == person
    phone = client_for("employee_A")  # another phone, same account
    assert "您好，赵六" in phone.get(url(link)).content.decode()


@pytest.mark.parametrize("temperature", ["25", "45", "abc"])
def test_temperature_out_of_range_refused_in_chinese(world, a1, link, temperature):
    person = staff(a1, 5)
    phone = Client()
    identify(phone, link, person)
    page = phone.post(url(link), answers(temperature=temperature)).content.decode()
    assert "体温须在 35.0–42.0 ℃ 之间" in page or "请填写体温" in page
    assert not Checkin.objects.exists()


def test_duplicate_submit_same_key_one_row_same_answer(world, a1, link):
    person = staff(a1, 6)
    phone = Client()
    identify(phone, link, person)
    data = answers(temperature="36.8")
    first = phone.post(url(link), data)
    second = phone.post(url(link), data)
    assert first.status_code == second.status_code == 200
    assert "打卡成功" in second.content.decode() and "36.8" in second.content.decode()
    assert Checkin.objects.count() == 1


def test_second_checkin_same_day_refused_by_default(world, a1):
    person = staff(a1, 7)
    checkin(person, a1)
    with pytest.raises(Exception) as exc:
        checkin(person, a1, temperature="36.9")
    assert "已于" in str(exc.value) and "无需重复提交" in str(exc.value)
    assert Checkin.objects.get().temperature == pytest.approx(36.5)


def test_second_checkin_replaces_when_district_says_so(world, a1):
    services.settings_save(actor=world.users["sysadmin"], on_repeat=OnRepeat.REPLACE)
    person = staff(a1, 8)
    checkin(person, a1)
    checkin(person, a1, temperature="38.0")
    row = Checkin.objects.get()
    assert float(row.temperature) == 38.0 and Alert.objects.get().checkin == row


def test_twice_daily_gives_morning_and_evening_slots(world, a1):
    services.settings_save(actor=world.users["sysadmin"], twice_daily=True)
    person = staff(a1, 9)
    day = timezone.localdate()
    tz = timezone.get_current_timezone()
    checkin(person, a1, now=dt.datetime.combine(day, dt.time(8), tz))
    checkin(person, a1, now=dt.datetime.combine(day, dt.time(18), tz))
    assert sorted(Checkin.objects.values_list("slot", flat=True)) == [1, 2]


def test_proxy_by_family_member_recorded(world, a1, link):
    me, grandpa = staff(a1, 10, "孙女"), staff(a1, 11, "爷爷")
    phone = Client()
    identify(phone, link, me)
    data = answers()
    data.update(name="爷爷", id_number=grandpa.id_number)
    page = phone.post(url(link) + "?proxy=1", data).content.decode()
    assert "打卡成功" in page and "代打卡" in page
    row = Checkin.objects.get()
    assert row.person == grandpa and row.proxy_person == me and row.is_proxy


def test_proxy_by_community_worker_through_api(world, a1, api_for):
    person = staff(a1, 12, "独居老人")
    worker = api_for("community_A")
    r = worker.post(
        "/api/v1/checkins",
        {"person_id": person.pk, "temperature": 36.4, "key": str(uuid.uuid4())},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    row = Checkin.objects.get()
    assert row.proxy_user == world.users["community_A"] and row.enterprise == a1 and r.json()["proxy"] is True


def test_fever_alert_reaches_admin_commissioner_medic_not_other_admin(world, a1, client_for):
    person = staff(a1, 13, "发热员工")
    checkin(person, a1, temperature="37.3")
    checkin(staff(a1, 14), a1, symptom="cough")
    checkin(staff(a1, 15), a1, temperature="37.2")
    assert Alert.objects.count() == 2
    for name in ("ent_admin_A", "commissioner_A", "medic_A"):
        assert selectors.alert_unacknowledged_count(user=world.users[name]) == 2
        assert "发热 37.3 ℃" in client_for(name).get(reverse("checkins:alerts")).content.decode()
    for name in ("ent_admin_B", "commissioner_B", "medic_B"):
        assert selectors.alert_unacknowledged_count(user=world.users[name]) == 0
        assert "发热员工" not in client_for(name).get(reverse("checkins:alerts")).content.decode()


def test_fever_threshold_configurable(world, a1):
    services.settings_save(actor=world.users["sysadmin"], fever_threshold="37.0")
    checkin(staff(a1, 16), a1, temperature="37.1")
    assert Alert.objects.count() == 1


def test_acknowledge_alert_with_outcome(world, a1, client_for):
    row = checkin(staff(a1, 17), a1, temperature="38.5")
    alert = row.alert
    other = client_for("ent_admin_B")
    assert other.post(reverse("checkins:alert_ack", args=[alert.pk]), {"outcome": "x"}).status_code == 404
    medic = client_for("medic_A")
    medic.post(reverse("checkins:alert_ack", args=[alert.pk]), {"outcome": "已电话联系，居家观察"})
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.users["medic_A"] and alert.outcome == "已电话联系，居家观察"
    assert selectors.alert_unacknowledged_count(user=world.users["ent_admin_A"]) == 0


def test_missed_list_exact(world, a1, client_for):
    done, missing1, missing2 = staff(a1, 18, "已打卡"), staff(a1, 19, "甲未打卡"), staff(a1, 20, "乙未打卡")
    left = staff(a1, 21, "已离职")
    left.employments.update(is_active=False)
    checkin(done, a1)
    day = timezone.localdate()
    missed = selectors.missed_list(enterprise=a1, day=day)
    assert missed.count() == 2 and {m.person for m in missed} == {missing1, missing2}
    page = (
        client_for("ent_admin_A").get(reverse("checkins:missed"), {"day": day.isoformat()}).content.decode()
    )
    assert "甲未打卡" in page and "乙未打卡" in page and "已打卡</td>" not in page and "已离职" not in page
    assert missing1.id_number not in page
    assert (
        client_for("ent_admin_B")
        .get(reverse("checkins:missed"), {"enterprise": a1.pk})
        .content.decode()
        .count("甲未打卡")
        == 0
    )


def test_identical_answers_n_days_flagged(world, a1):
    services.settings_save(actor=world.users["sysadmin"], identical_days=3)
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    scripted, honest = staff(a1, 22, "脚本"), staff(a1, 23, "真人")
    for i in range(3):
        at = dt.datetime.combine(today - dt.timedelta(days=i), dt.time(8, i), tz)
        checkin(scripted, a1, temperature="36.5", now=at)
        checkin(honest, a1, temperature=f"36.{5 + i}", now=at + dt.timedelta(minutes=30))
    services.patterns_detect(day=today)
    services.patterns_detect(day=today)  # safe to run twice
    flag = Flag.objects.get()
    assert (flag.kind, flag.person, flag.day) == (FlagKind.IDENTICAL, scripted, today)


def test_many_in_same_second_flagged(world, a1, client_for):
    services.settings_save(actor=world.users["sysadmin"], same_second_count=5)
    at = timezone.now().replace(microsecond=100)
    for i in range(5):
        checkin(staff(a1, 30 + i), a1, now=at + dt.timedelta(microseconds=i * 1000), temperature=f"36.{i}")
    checkin(staff(a1, 40), a1, now=at + dt.timedelta(seconds=2))
    services.patterns_detect(day=timezone.localdate(at))
    flag = Flag.objects.get()
    assert flag.kind == FlagKind.SAME_SECOND and "5 人" in flag.detail
    admin = client_for("ent_admin_A")
    assert (
        admin.post(reverse("checkins:flag_check", args=[flag.pk]), {"result": "genuine"}).status_code == 403
    )
    medic = client_for("medic_A")
    medic.post(reverse("checkins:flag_check", args=[flag.pk]), {"result": "scripted", "note": "电话核实"})
    flag.refresh_from_db()
    assert flag.result == "scripted" and flag.checked_by == world.users["medic_A"]
    assert "同一秒" in client_for("commissioner_A").get(reverse("checkins:flags") + "?all=1").content.decode()


def test_enterprise_admin_sees_only_its_staff(world, a1, api_for):
    b1 = world.enterprises["B1_above_scale"]
    checkin(staff(a1, 50, "甲企业员工"), a1)
    checkin(staff(b1, 51, "乙企业员工"), b1)
    a = api_for("ent_admin_A").get("/api/v1/checkins").json()
    b = api_for("ent_admin_B").get("/api/v1/checkins").json()
    assert a["count"] == 1 and a["items"][0]["enterprise_id"] == a1.pk
    assert b["count"] == 1 and b["items"][0]["enterprise_id"] == b1.pk
    assert (
        selectors.person_checkins(
            user=world.users["ent_admin_B"], person=Checkin.objects.get(enterprise=a1).person
        )
        == []
    )


def test_day_counts_for_daily_report(world, a1):
    checkin(staff(a1, 60), a1)
    checkin(staff(a1, 61), a1, temperature="38.0")
    staff(a1, 62)
    assert selectors.day_counts(a1, timezone.localdate()) == {"on_duty": 1, "abnormal": 1, "checked_in": 2}


def test_person_checkins_newest_first_limited(world, a1):
    person = staff(a1, 70)
    tz = timezone.get_current_timezone()
    for i in range(35):
        checkin(
            person,
            a1,
            now=dt.datetime.combine(timezone.localdate() - dt.timedelta(days=i), dt.time(8), tz),
            temperature=f"36.{i % 10}",
        )
    rows = selectors.person_checkins(user=world.users["medic_A"], person=person)
    assert len(rows) == 30 and rows[0].day == timezone.localdate() and rows[0].day > rows[1].day


def test_enterprise_link_page_with_qr(world, a1, client_for):
    page = client_for("ent_admin_A").get(reverse("checkins:enterprise_link", args=[a1.pk])).content.decode()
    assert "<svg" in page and services.link_for(enterprise=a1).token in page
    assert client_for("ent_admin_B").get(reverse("checkins:enterprise_link", args=[a1.pk])).status_code == 404
    assert str(a1.pk) + "/" not in services.link_for(enterprise=a1).token


def test_unknown_link_is_404(world):
    assert Client().get(reverse("checkins:checkin", args=["nope"])).status_code == 404


def test_settings_command_changes_and_audits(world):
    import io

    from django.core.management import call_command

    from fugong.checkins.models import CheckinSettings
    from fugong.core.models import AuditEntry

    out = io.StringIO()
    call_command("checkin_settings", actor="sysadmin", twice_daily="yes", fever_threshold="37.5", stdout=out)
    conf = CheckinSettings.objects.get(pk=1)
    assert conf.twice_daily and float(conf.fever_threshold) == 37.5 and "twice_daily: True" in out.getvalue()
    assert AuditEntry.objects.filter(object_id="1", actor=world.users["sysadmin"]).exists()


def test_the_daily_report_takes_on_duty_and_abnormal_counts_from_todays_checkins(world):
    from fugong.resumption.selectors.reports import report_prefill

    from .factories import checkin, staff

    enterprise = world.enterprises["A1_commerce"]
    people = [staff(enterprise, 700 + i) for i in range(4)]
    checkin(people[0], enterprise)
    checkin(people[1], enterprise)
    checkin(people[2], enterprise, temperature="38.1")
    prefill = report_prefill(enterprise=enterprise, day=timezone.localdate())
    # Four on the staff list, three checked in, one of them with fever (sent home).
    assert prefill.initial["staff_total"] == 4
    assert prefill.initial["staff_on_duty"] == 2
    assert prefill.initial["abnormal_persons"] == 1


def test_an_employee_goes_from_the_menu_straight_to_their_enterprise_check_in(world, client_for):
    services.link_for(enterprise=world.enterprises["A1_above_scale"])  # the admin has printed the QR code
    response = client_for("employee_A").get("/checkins/mine/")
    assert response.status_code == 302
    assert response["Location"].startswith("/checkins/e/")
    page = client_for("employee_A").get(response["Location"])
    assert world.enterprises["A1_above_scale"].name in page.content.decode()
    resident = client_for("resident_A").get("/checkins/mine/")
    assert resident.status_code == 200
    assert "请用手机扫描" in resident.content.decode()
    assert client_for("street_A").get("/checkins/mine/").status_code == 403
