"""Show or change the district's check-in rules (until a settings page has its capability)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fugong.accounts.models import User
from fugong.checkins.services import checkin_settings, settings_save

FIELDS = ("fever_threshold", "twice_daily", "on_repeat", "identical_days", "same_second_count")


class Command(BaseCommand):
    help = "查看或修改打卡设置：发热阈值、早晚两次、重复打卡处理、抽查标记阈值"

    def add_arguments(self, parser):
        parser.add_argument("--actor", help="username recorded in the audit trail (required to change)")
        parser.add_argument("--fever-threshold")
        parser.add_argument("--twice-daily", choices=["yes", "no"])
        parser.add_argument("--on-repeat", choices=["refuse", "replace"])
        parser.add_argument("--identical-days", type=int)
        parser.add_argument("--same-second-count", type=int)

    def handle(self, *args, actor=None, **options):
        values = {f: options.get(f) for f in FIELDS if options.get(f) is not None}
        if "twice_daily" in values:
            values["twice_daily"] = values["twice_daily"] == "yes"
        if values:
            user = User.objects.filter(username=actor or "").first()
            if user is None:
                raise CommandError("--actor must name an existing user")
            try:
                settings_save(actor=user, **values)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        conf = checkin_settings() if not values else type(checkin_settings()).objects.get(pk=1)
        for f in FIELDS:
            self.stdout.write(f"{f}: {getattr(conf, f)}")
