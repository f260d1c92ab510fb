"""python manage.py adduser NAME --role ROLE --scope CODE --password PW

For scripts and first installs: creates one account as the system. The role and its scope are
checked exactly as when an official grants them (accounts.services.check_scope_shape).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from fugong.accounts import services
from fugong.accounts.models import User, enterprise_model
from fugong.areas.models import Area, Department
from fugong.core.access import Role, ScopeKind, scope_kind
from fugong.core.validators import normalize_code, normalize_mobile


class Command(BaseCommand):
    help = "创建一个账号：adduser 用户名 --role 角色 --scope 区划编码或统一社会信用代码 --password 密码"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--role", required=True, help="角色编码：" + ", ".join(Role.values))
        parser.add_argument(
            "--scope", default="", help="区划编码；企业管理员、员工为企业的统一社会信用代码；sysadmin 不填"
        )
        parser.add_argument("--password", required=True, help="初始密码（须符合密码规则）")
        parser.add_argument("--full-name", default="", help="姓名（默认同用户名）")
        parser.add_argument("--phone", default="", help="手机号")
        parser.add_argument("--department", default="", help="部门编码（部门人员必填）")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            user = self._create(options)
            self.stdout.write(
                self.style.SUCCESS(
                    f"已创建用户 {user.username}（{user.full_name}）：角色 {user.get_role_display()}，"
                    f"范围 {user.scope_label or '—'}"
                    + (f"，部门 {user.department.name}" if user.department_id else "")
                )
            )

    def _create(self, options) -> User:
        username = options["username"].strip()
        role = options["role"].strip()
        if role not in Role.values:
            raise CommandError(f"未知角色“{role}”。可选角色：{', '.join(Role.values)}")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户名“{username}”已存在，未做任何修改")
        scope_area, scope_enterprise = self._scope(role, options["scope"])
        department = self._department(role, options["department"])
        try:
            return services.user_create_system(
                username=username,
                full_name=options["full_name"].strip() or username,
                role=role,
                password=options["password"],
                phone=normalize_mobile(options["phone"]),
                scope_area=scope_area,
                scope_enterprise=scope_enterprise,
                department=department,
            )
        except ValidationError as exc:
            raise CommandError("无法创建用户：" + "；".join(exc.messages)) from None

    def _scope(self, role: str, raw: str):
        code = normalize_code(raw)
        kind = scope_kind(role)
        if kind == ScopeKind.NONE:
            if code:
                raise CommandError("系统管理员不设管辖范围，请去掉 --scope")
            return None, None
        if not code:
            raise CommandError(f"角色 {Role(role).label} 必须用 --scope 指定管辖范围")
        if kind == ScopeKind.ENTERPRISE:
            enterprise = enterprise_model().objects.filter(credit_code=code).first()
            if enterprise is None:
                raise CommandError(f"找不到统一社会信用代码为“{code}”的企业")
            return None, enterprise
        area = Area.objects.filter(code=code).first()
        if area is None:
            raise CommandError(f"找不到区划编码为“{code}”的区划")
        return area, None

    def _department(self, role: str, raw: str) -> Department | None:
        code = raw.strip()
        if role != Role.DEPARTMENT_OFFICER:
            if code:
                raise CommandError("只有部门人员（department_officer）可以指定 --department")
            return None
        if not code:
            raise CommandError("部门人员必须用 --department 指定所属部门编码")
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise CommandError(f"找不到编码为“{code}”的部门")
        return department
