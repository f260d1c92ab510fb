"""The demo's service and supervision work in 天生街道, written through the services as officials
would: inspections (one clean, one with a finding and a photo, a follow-up), violations up to a
listing on the dishonesty list (and in 朝阳街道 a proposal waiting for the district leader),
problems in the ledger (answered, open, overdue), a published notice with an attachment, the
evening summary of yesterday and one logged view of full numbers.

So that every list of the menu has rows to open. ``ent_admin``'s enterprise only receives the
notice and has one answered problem waiting for its confirmation; its filing flow stays untouched.
"""

import datetime as dt
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fugong.accounts.models import User
from fugong.enterprises.models import Enterprise

STREET = "500109001"  # 天生街道
USERNAMES = ("sysadmin", "leader", "tiansheng", "chaoyang", "commissioner", "jxw", "ent_admin")


def build_oversight_demo() -> list[str]:
    """Lines for the demo's report; nothing when the demo has no 天生街道 officer."""
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    if set(users) != set(USERNAMES):
        return []
    own = users["ent_admin"].scope_enterprise_id
    street = Enterprise.objects.filter(area_path__startswith=f"/500109/{STREET}/").exclude(pk=own)
    served = list(street.filter(commissioner=users["commissioner"]).order_by("pk")[:2])
    below = street.filter(category="below_scale").order_by("pk").first()
    chaoyang = Enterprise.objects.visible_to(users["chaoyang"]).filter(category="commerce").order_by("pk")
    return [
        inspections_demo(
            users, clean=served[0], failing=served[1], repeated=below, other_street=chaoyang.first()
        ),
        problems_demo(users, own=own, served=served[0], other=below),
        notice_demo(users),
        summary_demo(),
        access_demo(users, served[1]),
    ]


# --- supervision -------------------------------------------------------------------------------


def _items(on: dt.date, failed: str = "") -> list[dict]:
    from fugong.supervision import rules

    return [
        {"item_id": i.pk, "result": "fail" if failed and n == 0 else "pass", "note": failed if n == 0 else ""}
        for n, i in enumerate(rules.checklist_in_force(on))
    ]


def _inspect(actor, enterprise, on: dt.date, finding: str = "", **kwargs):
    from fugong.supervision import services

    findings = [{"description": finding, "deadline": on + dt.timedelta(days=3)}] if finding else []
    return services.inspection_record(
        actor=actor,
        enterprise_id=enterprise.pk,
        date=on,
        items=_items(on, finding),
        findings=findings,
        **kwargs,
    )


def inspections_demo(users: dict, *, clean, failing, repeated, other_street) -> str:
    """A clean inspection; one with a finding, a photo and a violation waiting for a decision, then
    its follow-up; an enterprise whose third violation in the window puts it on the list; and, in
    another street, a proposal to list one that still waits for its confirming officer."""
    from fugong.supervision import services

    officer, today = users["tiansheng"], timezone.localdate()
    _inspect(users["commissioner"], clean, today - dt.timedelta(days=3), note="防控措施落实到位")
    photo = SimpleUploadedFile("现场检查.png", _png(), content_type="image/png")
    found = _inspect(officer, failing, today - dt.timedelta(days=2), "食堂未错峰就餐", photos=[photo])
    services.violation_record(
        actor=officer,
        inspection_id=found.pk,
        description="食堂未落实错峰分批就餐",
        finding_id=found.findings.get().pk,
    )
    _inspect(officer, failing, today, follows_id=found.pk, rectified=[found.findings.get().pk], note="已整改")
    listing = _proposed_listing(officer, repeated)
    services.listing_approve(actor=users["leader"], listing_id=listing.pk, version=listing.version)
    # In 朝阳街道 a proposal waits for the district leader, the confirming officer.
    proposed = _proposed_listing(users["chaoyang"], other_street)
    return (
        f"督查检查：9 次检查、7 条违规；{repeated.name} 列入不诚信企业名单，"
        f"{proposed.enterprise.name} 的列入提议待区级领导确认"
    )


def _proposed_listing(officer, enterprise):
    """Three decided violations in the window, then the officer's proposal to list the enterprise."""
    from fugong.supervision import services

    today = timezone.localdate()
    for n, days_ago in enumerate((20, 12, 5), start=1):
        inspection = _inspect(officer, enterprise, today - dt.timedelta(days=days_ago), "进厂未测温登记")
        violation = services.violation_record(
            actor=officer, inspection_id=inspection.pk, description=f"第{n}次：进厂人员未测温登记"
        )
        violation = services.violation_decide(
            actor=officer, violation_id=violation.pk, version=violation.version
        )
    return services.listing_propose(
        actor=officer, violation_id=violation.pk, reason="期限内第3次违规，整改不力"
    )


def _png(width: int = 48, height: int = 32) -> bytes:
    """A small grey PNG (the photo of an inspection), without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xa0\xa8\xb0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# --- the problem ledger ------------------------------------------------------------------------


def problems_demo(users: dict, *, own: int, served, other) -> str:
    """ent_admin's problem answered by the department it was routed to (waiting for its rating),
    a commissioner's green-channel problem, and a street-held one past its due date, escalated."""
    from fugong.ledger import services
    from fugong.ledger.models import Problem, ProblemEvent

    answered = services.problem_create(
        actor=users["ent_admin"],
        enterprise_id=own,
        category="raw_materials",
        title="钢材供应商未复工，库存仅够5天",
        description="主要钢材供应商位于外省，尚未复工，请协调本地替代货源。",
    )
    answered = services.problem_start(actor=users["jxw"], problem_id=answered.pk, version=answered.version)
    services.problem_answer(
        actor=users["jxw"],
        problem_id=answered.pk,
        version=answered.version,
        answer="已对接区内两家钢材经销商，联系方式已发企业联系人。",
    )
    services.problem_create(
        actor=users["commissioner"],
        enterprise_id=served.pk,
        category="labour",
        title="外地员工返岗需包车",
        description="约40名四川籍员工需点对点包车返岗。",
        green_channel=True,
    )
    past = timezone.now() - dt.timedelta(days=14)
    late = services.problem_create(
        actor=users["tiansheng"],
        enterprise_id=other.pk,
        category="other",
        title="厂区道路临时封闭影响出货",
        description="企业反映厂区外道路施工封闭，货车无法进出。",
        now=past,
    )
    Problem.objects.filter(pk=late.pk).update(created_at=past, updated_at=past)
    ProblemEvent.objects.filter(problem=late).update(at=past)
    services.problems_escalate_overdue()
    return "问题台账：3 条诉求（1 条已答复待企业评价，1 条超期已升级）"


# --- notices, the evening summary, the access log ----------------------------------------------


def _sheet() -> bytes:
    from fugong.core.xlsx import sheet_bytes

    rows = [
        ["物资", "库存", "可用天数"],
        ["口罩（只）", "", ""],
        ["消毒液（公斤）", "", ""],
        ["体温枪（支）", "", ""],
    ]
    return sheet_bytes(rows, title="防疫物资")


def notice_demo(users: dict) -> str:
    """天生街道's notice to its enterprises with a form to fill in, published; one draft kept."""
    from fugong.areas.models import Area
    from fugong.notices import services

    officer, area = users["tiansheng"], Area.objects.get(code=STREET)
    upload = SimpleUploadedFile("防疫物资储备情况表.xlsx", _sheet())
    notice = services.notice_save(
        actor=officer,
        title="关于做好复工企业防疫物资储备的通知",
        body="请各企业按附件表格填报口罩、消毒液、体温枪储备情况，储备不足7天的请及时补充。",
        target_area=area,
        categories=[],
        uploads=[upload],
    )
    notice = services.notice_publish(actor=officer, notice_id=notice.pk)
    services.notice_open(actor=users["ent_admin"], notice_id=notice.pk)
    services.notice_save(
        actor=officer,
        title="关于开展复工企业安全生产检查的通知（草稿）",
        body="拟于下周开展辖区复工企业安全生产检查，具体安排另行通知。",
        target_area=area,
        categories=["above_scale"],
    )
    return f"通知公告：已发布 1 条（{notice.recipient_count} 家企业），草稿 1 条"


def summary_demo() -> str:
    """Yesterday's evening summary, as the 21:00 job leaves it (today's runs at 21:00)."""
    from fugong.resumption.tasks import summary_run

    day = timezone.localdate() - dt.timedelta(days=1)
    summary_run(day=day)
    return f"晚间日报：{day:%Y-%m-%d} 已生成"


def access_demo(users: dict, enterprise) -> str:
    """The street officer once viewed an enterprise's full phone numbers: the access log has it."""
    from fugong.enterprises import services

    services.enterprise_phones_reveal(actor=users["tiansheng"], enterprise=enterprise)
    return "个人信息查看记录：1 条"
