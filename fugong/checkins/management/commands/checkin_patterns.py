"""Flag scripted-looking check-in patterns of a day (cron, after the morning wave): safe to run twice."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.dateparse import parse_date

from fugong.checkins.services import patterns_detect


class Command(BaseCommand):
    help = "标记疑似脚本代刷的打卡（连续多日答案相同、同一秒大量打卡）"

    def add_arguments(self, parser):
        parser.add_argument("--day", help="YYYY-MM-DD, default today")

    def handle(self, *args, day=None, **options):
        d = parse_date(day) if day else timezone.localdate()
        n = patterns_detect(day=d)
        self.stdout.write(f"{d}: {n} flag(s)")
