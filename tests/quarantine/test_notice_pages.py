"""Release-notice pages and API: the list with filters, bulk issue and bulk print, the order page's
panel, delivery recorded once, and scope (another street's worker gets 404; enterprise roles are
refused) — each refusal changing nothing."""

import json

from django.test import Client
from django.utils import timezone

from fugong.core.models import PersonalDataAccess
from fugong.quarantine.models import ReleaseNotice

from .notice_helpers import pdf_text, released, stored

API = "/api/v1/quarantine"


def test_order_page_shows_the_notice_and_records_delivery_once(world, client_for):
    order = released(world, name="陈小东")
    client = client_for("community_A")
    page = client.get(f"/quarantine/orders/{order.pk}/").content.decode()
    assert order.notice.number in page and "登记送达" in page and "下载通知书 PDF" in page

    # The family doctor goes along (medic_A covers street A).
    doctor = world.users["medic_A"]
    response = client.post(
        f"/quarantine/orders/{order.pk}/notice/deliver/",
        {"method": "home", "with_doctor": doctor.pk, "note": "本人签收"},
    )
    assert response.status_code == 302
    notice = ReleaseNotice.objects.get(pk=order.notice.pk)
    assert notice.delivery_method == "home" and notice.delivered_with == doctor
    assert notice.delivered_by == world.users["community_A"] and notice.delivery_note == "本人签收"

    # A second delivery is refused, naming who delivered it and when; nothing changes.
    again = client.post(f"/quarantine/orders/{order.pk}/notice/deliver/", {"method": "wechat"}, follow=True)
    text = again.content.decode()
    assert (
        "不能重复登记" in text
        and "community_A" in text
        and f"{timezone.localtime(notice.delivered_at):%Y-%m-%d %H:%M}" in text
    )
    unchanged = ReleaseNotice.objects.get(pk=notice.pk)
    assert (unchanged.delivery_method, unchanged.delivered_at) == ("home", notice.delivered_at)
    # The public page now says it was delivered.
    public = Client().get(f"/quarantine/verify/{notice.number}/{notice.code}/").content.decode()
    assert "送达（入户送达）" in public


def test_delivery_refuses_a_doctor_of_another_street_and_a_bad_method(world, client_for):
    order = released(world)
    client = client_for("community_A")
    client.post(
        f"/quarantine/orders/{order.pk}/notice/deliver/",
        {"method": "home", "with_doctor": world.users["medic_B"].pk},
    )
    client.post(f"/quarantine/orders/{order.pk}/notice/deliver/", {"method": "pigeon"})
    assert ReleaseNotice.objects.get(pk=order.notice.pk).delivered_at is None


def test_pdf_download_is_the_stored_file_and_is_logged(world, client_for):
    order = released(world)
    response = client_for("community_A").get(f"/quarantine/orders/{order.pk}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == stored(order.notice)
    log = PersonalDataAccess.objects.get(user=world.users["community_A"], object_id=str(order.notice.pk))
    assert log.object_repr == order.notice.number


def test_list_filters_and_search(world, client_for, django_assert_max_num_queries):
    delivered = released(world, name="赵一")
    pending = released(world, name="钱二")
    unissued = released(world, name="孙三")
    ReleaseNotice.objects.filter(order=unissued).delete()  # released before notices existed
    client = client_for("community_A")
    client.post(f"/quarantine/orders/{delivered.pk}/notice/deliver/", {"method": "in_person"})
    with django_assert_max_num_queries(12):
        page = client.get("/quarantine/notices/").content.decode()
    assert all(name in page for name in ("赵一", "钱二", "孙三")) and "未签发" in page
    assert delivered.person.id_number not in page
    undelivered = client.get("/quarantine/notices/?state=undelivered").content.decode()
    assert "钱二" in undelivered and "赵一" not in undelivered and "孙三" not in undelivered
    not_issued = client.get("/quarantine/notices/?state=unissued").content.decode()
    assert "孙三" in not_issued and "钱二" not in not_issued
    search = client.get("/quarantine/notices/?q=赵").content.decode()
    assert "赵一" in search and "钱二" not in search
    assert client.get("/quarantine/notices/?since=2020-13-45&page=x").status_code == 200
    assert "钱二" not in client.get("/quarantine/notices/?until=2020-01-01").content.decode()
    assert pending.notice.number in page


def test_bulk_issue_and_bulk_print(world, client_for):
    orders = [released(world, name=n) for n in ("周一", "吴二", "郑三")]
    numbers = [o.release_number for o in orders]
    ReleaseNotice.objects.filter(order__in=orders[:2]).delete()
    client = client_for("community_A")
    ids = [o.pk for o in orders]
    response = client.post("/quarantine/notices/issue/", {"order": ids}, follow=True)
    assert (
        "已签发解除隔离通知书 2 份" in response.content.decode()
        and "1 条无需签发" in response.content.decode()
    )
    assert sorted(ReleaseNotice.objects.filter(order__in=orders).values_list("number", flat=True)) == sorted(
        numbers
    )

    pdf = client.post("/quarantine/notices/print/", {"order": ids})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text, pages = pdf_text(pdf.content)
    assert pages == 3 and all(f"编号：{n}" in text for n in numbers)
    log = PersonalDataAccess.objects.get(purpose="export", user=world.users["community_A"])
    assert log.row_count == 3

    nothing = client.post("/quarantine/notices/print/", {}, follow=True)
    assert "请先勾选" in nothing.content.decode()
    bad = client.post("/quarantine/notices/issue/", {"order": ["x"]}, follow=True)
    assert bad.status_code == 200 and "所选记录无效" in bad.content.decode()


def test_another_streets_worker_gets_404_and_changes_nothing(world, client_for, api_for):
    order = released(world)
    b = client_for("community_B")
    assert b.get(f"/quarantine/orders/{order.pk}/notice.pdf").status_code == 404
    assert b.post(f"/quarantine/orders/{order.pk}/notice/deliver/", {"method": "home"}).status_code == 404
    assert b.post(f"/quarantine/orders/{order.pk}/notice/revoke/", {"reason": "x"}).status_code == 404
    assert order.person.name not in b.get("/quarantine/notices/").content.decode()
    b.post("/quarantine/notices/print/", {"order": [order.pk]})
    ReleaseNotice.objects.filter(order=order).delete()
    b.post("/quarantine/notices/issue/", {"order": [order.pk]})
    assert not ReleaseNotice.objects.filter(order=order).exists()
    api = api_for("community_B")
    for path in (f"{API}/orders/{order.pk}/notice", f"{API}/orders/{order.pk}/notice/pdf"):
        assert api.get(path).status_code == 404
    assert not PersonalDataAccess.objects.filter(user=world.users["community_B"]).exists()


def test_another_streets_worker_cannot_deliver_through_the_api(world, api_for):
    order = released(world)
    response = api_for("community_B").post(
        f"{API}/orders/{order.pk}/notice/delivery", {"method": "home"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert ReleaseNotice.objects.get(order=order).delivered_at is None


def test_enterprise_roles_are_refused(world, client_for, api_for):
    order = released(world)
    for name in ("ent_admin_A", "employee_A"):
        client = client_for(name)
        assert client.get("/quarantine/notices/").status_code == 403
        assert client.get(f"/quarantine/orders/{order.pk}/notice.pdf").status_code == 403
        assert (
            client.post(f"/quarantine/orders/{order.pk}/notice/deliver/", {"method": "home"}).status_code
            == 403
        )
        api = api_for(name)
        assert api.get(f"{API}/orders/{order.pk}/notice").status_code == 403
    assert ReleaseNotice.objects.get(order=order).delivered_at is None


def test_api_metadata_delivery_bulk_and_verify(world, api_for):
    order = released(world, name="冯小五")
    api = api_for("community_A")
    meta = api.get(f"{API}/orders/{order.pk}/notice").json()
    assert meta["number"] == order.release_number and meta["name"] == "冯小五"
    assert meta["id_number"] != order.person.id_number and meta["sha256"] == order.notice.sha256
    pdf = api.get(f"{API}/orders/{order.pk}/notice/pdf")
    assert b"".join(pdf.streaming_content) == stored(order.notice)

    first = api.post(
        f"{API}/orders/{order.pk}/notice/delivery",
        {"method": "sms", "note": "短信送达"},
        content_type="application/json",
    )
    assert first.status_code == 200 and first.json()["delivery_method_label"] == "短信"
    second = api.post(
        f"{API}/orders/{order.pk}/notice/delivery", {"method": "home"}, content_type="application/json"
    )
    assert second.status_code == 422 and "不能重复登记" in second.json()["errors"]["__all__"][0]
    bad = api.post(f"{API}/orders/{order.pk}/notice/delivery", {"method": 5}, content_type="application/json")
    assert bad.status_code == 422

    ReleaseNotice.objects.filter(order=order).delete()
    issued = api.post(
        f"{API}/notices/issue", {"order_ids": [order.pk, 999999]}, content_type="application/json"
    )
    assert issued.status_code == 200 and issued.json()["skipped"] == 1
    notice = ReleaseNotice.objects.get(order=order)
    printed = api.post(f"{API}/notices/print", {"order_ids": [order.pk]}, content_type="application/json")
    assert printed.status_code == 200 and pdf_text(printed.content)[1] == 1
    assert (
        api.post(f"{API}/notices/print", {"order_ids": []}, content_type="application/json").status_code
        == 422
    )
    assert (
        api.post(f"{API}/notices/print", {"order_ids": "x"}, content_type="application/json").status_code
        == 422
    )

    public = Client()
    ok = public.get(f"{API}/verify/{notice.number}/{notice.code}")
    assert ok.status_code == 200 and ok.json()["result"] == "genuine" and ok.json()["name"] == "冯*五"
    assert "冯小五" not in json.dumps(ok.json(), ensure_ascii=False)
    assert public.get(f"{API}/verify/{notice.number}/AAAAAAAAAA").status_code == 404
