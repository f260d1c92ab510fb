"""``manage.py evening_summary [--date YYYY-MM-DD] [--enqueue]``: the evening summary (晚间日报).

How production schedules it: cron at 21:00 enqueues the day's job, and one long-running worker
process executes the queue::

    0 21 * * *  cd /srv/fugong && .venv/bin/python manage.py evening_summary --enqueue
    .venv/bin/python manage.py db_worker

Without ``--enqueue`` the job runs now, in this process (safe to run twice: the day's results are
replaced, never duplicated).
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fugong.core.jobs.runner import Job
from fugong.resumption.models import SummaryRun
from fugong.resumption.tasks import summary_enqueue, summary_run_job


class Command(BaseCommand):
    help = "生成晚间日报：留存当日复工状态快照，为全区及各街镇园区生成日报（可重复运行，结果按日覆盖）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="日期 YYYY-MM-DD，默认今天")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="只加入后台任务队列，由 manage.py db_worker 执行（供 cron 每晚 21:00 调用）",
        )

    def handle(self, *args, date: str | None, enqueue: bool, **options):
        day = self.parse(date)
        if enqueue:
            runs = summary_enqueue(day=day)
            self.stdout.write(
                self.style.SUCCESS(
                    f"已将 {day} 的晚间日报加入队列（{len(runs)} 个辖区），由 manage.py db_worker 执行。"
                )
            )
            return
        started = time.perf_counter()
        job = summary_run_job(day=day)
        if job.status != Job.Status.DONE:
            raise CommandError(
                f"{day} 的晚间日报生成失败（任务 #{job.pk}，{job.get_status_display()}）：{job.log_tail(1)}"
            )
        seconds = time.perf_counter() - started
        runs = SummaryRun.objects.filter(date=day).select_related("area").order_by("area_path")
        for run in runs:
            self.stdout.write(f"  {run.area.name}：{run.get_status_display()}，{run.row_count} 行")
        self.stdout.write(
            self.style.SUCCESS(f"{day} 的晚间日报已生成：{runs.count()} 个辖区，用时 {seconds:.1f} 秒。")
        )

    @staticmethod
    def parse(value: str | None) -> dt.date:
        today = timezone.localdate()
        if not value:
            return today
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise CommandError("日期格式不正确，应为 YYYY-MM-DD") from None
        if day > today:
            raise CommandError("不能生成未来日期的日报")
        return day
