"""python manage.py adduser: every kind of scope, and each bad input as a Chinese CommandError."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fugong.accounts.models import User
from fugong.core.models import AuditEntry

PW = "Xinmima!2020abc"


def adduser(*args) -> str:
    out = StringIO()
    call_command("adduser", *args, stdout=out)
    return out.getvalue()


def test_adduser_street_officer_on_a_street(world):
    output = adduser(
        "jiedao2",
        "--role",
        "street_officer",
        "--scope",
        "500109001",
        "--password",
        PW,
        "--full-name",
        "张街道",
        "--phone",
        "13800138001",
    )

    user = User.objects.get(username="jiedao2")
    assert (user.role, user.scope_area, user.full_name, user.phone) == (
        "street_officer",
        world.areas["A"],
        "张街道",
        "13800138001",
    )
    assert user.check_password(PW)
    assert output.strip() == "已创建用户 jiedao2（张街道）：角色 街镇园区干部，范围 北碚区 · 天生街道"
    entry = AuditEntry.objects.get(object_id=str(user.pk), action="create")
    assert entry.actor is None


def test_adduser_community_worker_on_a_grid_defaults_full_name(world):
    adduser("wangge1", "--role", "community_worker", "--scope", "500109001001001", "--password", PW)

    user = User.objects.get(username="wangge1")
    assert (user.scope_area, user.full_name) == (world.areas["A1g"], "wangge1")


def test_adduser_employee_by_credit_code(world):
    enterprise = world.enterprises["B1_commerce"]

    adduser("yg1", "--role", "employee", "--scope", enterprise.credit_code.lower(), "--password", PW)

    user = User.objects.get(username="yg1")
    assert (user.scope_enterprise, user.scope_area, user.scope_path) == (
        enterprise,
        None,
        enterprise.area_path,
    )


def test_adduser_sysadmin_without_scope(world):
    output = adduser("admin2", "--role", "sysadmin", "--password", PW)

    user = User.objects.get(username="admin2")
    assert (user.role, user.scope_area, user.scope_enterprise, user.is_superuser) == (
        "sysadmin",
        None,
        None,
        True,
    )
    assert output.strip() == "已创建用户 admin2（admin2）：角色 系统管理员，范围 全区（系统管理）"


def test_adduser_department_officer_with_department(world):
    output = adduser(
        "swj2", "--role", "department_officer", "--scope", "500109", "--department", "SWJ", "--password", PW
    )

    assert User.objects.get(username="swj2").department == world.departments["swj"]
    assert output.strip().endswith("，部门 区商务委")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["x1", "--role", "mayor", "--scope", "500109", "--password", PW],
            "未知角色“mayor”。可选角色：district_leader, department_officer, street_officer, community_worker, "
            "commissioner, medic, site_staff, enterprise_admin, employee, checkpoint_guard, resident, sysadmin",
        ),
        (
            ["x1", "--role", "street_officer", "--scope", "999999", "--password", PW],
            "找不到区划编码为“999999”的区划",
        ),
        (
            ["x1", "--role", "employee", "--scope", "91500109MA00000000", "--password", PW],
            "找不到统一社会信用代码为“91500109MA00000000”的企业",
        ),
        (
            ["x1", "--role", "street_officer", "--scope", "500109001001", "--password", PW],
            "无法创建用户：街镇园区干部的管辖区域层级不正确（社区）",
        ),
        (
            ["x1", "--role", "district_leader", "--scope", "500109001", "--password", PW],
            "无法创建用户：区级领导的管辖区域层级不正确（街道）",
        ),
        (
            ["x1", "--role", "employee", "--scope", "500109001", "--password", PW],
            "找不到统一社会信用代码为“500109001”的企业",
        ),
        (
            ["x1", "--role", "sysadmin", "--scope", "500109", "--password", PW],
            "系统管理员不设管辖范围，请去掉 --scope",
        ),
        (["x1", "--role", "resident", "--password", PW], "角色 居民 必须用 --scope 指定管辖范围"),
        (
            ["street_A", "--role", "resident", "--scope", "500109001001", "--password", PW],
            "用户名“street_A”已存在，未做任何修改",
        ),
        (
            ["x1", "--role", "resident", "--scope", "500109001001", "--password", "123"],
            "无法创建用户：密码太短，至少需要 8 个字符。；这个密码太常见了。；密码只包含数字。",
        ),
        (
            ["x1", "--role", "resident", "--scope", "500109001001", "--password", PW, "--phone", "12345"],
            "无法创建用户：请输入11位手机号码（1开头）",
        ),
        (
            ["x1", "--role", "department_officer", "--scope", "500109", "--password", PW],
            "部门人员必须用 --department 指定所属部门编码",
        ),
        (
            [
                "x1",
                "--role",
                "department_officer",
                "--scope",
                "500109",
                "--department",
                "NOPE",
                "--password",
                PW,
            ],
            "找不到编码为“NOPE”的部门",
        ),
        (
            ["x1", "--role", "resident", "--scope", "500109001001", "--department", "JXW", "--password", PW],
            "只有部门人员（department_officer）可以指定 --department",
        ),
    ],
)
def test_adduser_refuses_bad_input_and_creates_nothing(world, args, message):
    before = User.objects.count()
    street_a_password = User.objects.get(username="street_A").password

    with pytest.raises(CommandError) as excinfo:
        adduser(*args)

    assert str(excinfo.value) == message
    assert User.objects.count() == before
    assert User.objects.get(username="street_A").password == street_a_password
