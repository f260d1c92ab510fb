"""The summary page, its xlsx and the API: what each role reaches, the file's rows and watermark."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from .test_summary_build import day_label, make_resumption

PAGE = reverse("resumption:summary")
XLSX = reverse("resumption:summary_xlsx")
API = "/api/v1/summaries"


def sheet_rows(response) -> list[tuple]:
    body = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(body), read_only=True).worksheets[0].iter_rows(values_only=True))


def test_the_leader_sees_the_district_table_text_and_download_link(world, setup, client_for):
    make_resumption(world, setup)

    response = client_for("leader").get(PAGE)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"{day_label()}，全区登记企业6家（不纳入统计1家），复工复产2家，复工复产率40%" in page
    assert "天生街道" in page and "朝阳街道" in page
    assert f"{XLSX}?area={world.areas['district'].code}&amp;date={timezone.localdate():%Y-%m-%d}" in page
    assert "复制文字" in page


def test_the_xlsx_has_one_row_per_sub_area_and_the_total_and_is_watermarked(world, setup, client_for):
    make_resumption(world, setup)

    response = client_for("leader").get(XLSX, {"area": world.areas["district"].code})

    assert response.status_code == 200
    rows = sheet_rows(response)
    assert rows[0][0].startswith("导出人：leader（leader）") and "严禁外传" in rows[0][0]
    assert rows[1][:6] == (
        "辖区",
        "登记企业（家）",
        "不纳入统计（家）",
        "应复工（家）",
        "已复工（家）",
        "复工率（%）",
    )
    assert [r[:6] for r in rows[2:]] == [
        ("天生街道", 3, 1, 2, 1, 50),
        ("朝阳街道", 3, 0, 3, 1, 33.3),
        ("合计", 6, 1, 5, 2, 40),
    ]
    assert rows[4][6:] == (2, 125, 160, 78.1, 77.5, 56.3, 55)


def test_a_street_officer_gets_their_communities(world, setup, client_for):
    make_resumption(world, setup)

    response = client_for("street_A").get(XLSX)

    assert [r[0] for r in sheet_rows(response)[2:]] == ["西南大学南社区", "天生桥社区", "合计"]


@pytest.mark.parametrize("target", ["B", "district", "B1"])
def test_a_street_officer_cannot_read_another_street_or_the_district(
    world, setup, client_for, api_for, target
):
    code = world.areas[target].code
    client, api = client_for("street_A"), api_for("street_A")
    assert client.get(PAGE, {"area": code}).status_code == 404
    assert client.get(XLSX, {"area": code}).status_code == 404
    assert api.get(API, {"area": code}).status_code == 404


def test_roles_without_the_rates_capability_are_refused(world, setup, client_for, api_for):
    assert client_for("resident_A").get(PAGE).status_code == 403
    assert client_for("resident_A").get(XLSX).status_code == 403
    assert client_for("commissioner_A").get(PAGE).status_code == 403
    response = api_for("resident_A").get(API)
    assert response.status_code == 403
    assert response.json()["detail"] == "您无权查看复工复产汇总"


def test_a_date_in_the_future_is_refused_with_a_reason(world, setup, client_for, api_for):
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    page = client_for("leader").get(PAGE, {"date": tomorrow.isoformat()}, follow=True)
    assert "日期不能晚于今天" in page.content.decode()
    response = api_for("leader").get(API, {"date": tomorrow.isoformat()})
    assert response.status_code == 422
    assert response.json()["errors"] == {"date": ["日期不能晚于今天"]}
    assert api_for("leader").get(API, {"date": "2020-13-01"}).json()["errors"] == {
        "date": ["日期格式不正确，应为 YYYY-MM-DD"]
    }


def test_the_api_gives_rows_total_and_text(world, setup, api_for):
    make_resumption(world, setup)

    data = api_for("leader").get(API, {"area": world.areas["district"].code}).json()

    assert data["text"].startswith(f"{day_label()}，全区登记企业6家")
    assert [r["name"] for r in data["rows"]] == ["天生街道", "朝阳街道"]
    assert {
        k: data["total"][k]
        for k in (
            "registered",
            "out_of_scope",
            "in_scope",
            "resumed",
            "resumption_rate",
            "reports",
            "staff_on_duty",
            "staff_total",
            "on_duty_rate",
        )
    } == {
        "registered": 6,
        "out_of_scope": 1,
        "in_scope": 5,
        "resumed": 2,
        "resumption_rate": 0.4,
        "reports": 2,
        "staff_on_duty": 125,
        "staff_total": 160,
        "on_duty_rate": 0.7812,
    }
    assert "复工率" in data["definitions"]["resumption"]


def test_a_department_officers_api_summary_is_limited_to_their_sectors(world, setup, api_for):
    make_resumption(world, setup)

    data = api_for("dept").get(API).json()

    assert data["categories"] == ["above_scale", "below_scale"]
    assert (data["total"]["registered"], data["total"]["resumed"]) == (2, 2)
