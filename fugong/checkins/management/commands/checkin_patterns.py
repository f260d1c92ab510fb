"""Flag scripted-looking check-in patterns of a day (cron, after the morning wave): safe to run twice.

Each run is a job (core.jobs, kind ``checkins.patterns``) run in this process."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from fugong.core.jobs.runner import Job, run_now


class Command(BaseCommand):
    help = "标记疑似脚本代刷的打卡（连续多日答案相同、同一秒大量打卡）"

    def add_arguments(self, parser):
        parser.add_argument("--day", help="YYYY-MM-DD, default today")

    def handle(self, *args, day=None, **options):
        d = parse_date(day) if day else timezone.localdate()
        job = run_now("checkins.patterns", params={"day": d.isoformat()}, dedupe_key=f"checkins.patterns:{d}")
        if job.status != Job.Status.DONE:
            raise CommandError(f"任务 #{job.pk}（{job.get_status_display()}）：{job.log_tail(1)}")
        self.stdout.write(f"{d}: {job.result['count']} flag(s)")
