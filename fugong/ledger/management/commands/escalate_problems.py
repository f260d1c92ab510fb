"""Raise overdue problems to the level above. Run from cron, e.g. every 15 minutes:

*/15 * * * *  cd /srv/fugong && .venv/bin/python manage.py escalate_problems

Each run is a job (core.jobs, kind ``ledger.escalate_problems``) run in this process; while one is
running, a second start is refused with its number.
"""

from django.core.management.base import BaseCommand, CommandError

from fugong.core.jobs.runner import Job, run_now


class Command(BaseCommand):
    help = "超期未答复的企业诉求升级至上一级督办（供定时任务调用，可重复运行）"

    def handle(self, *args, **options):
        job = run_now("ledger.escalate_problems", dedupe_key="ledger.escalate_problems")
        if job.status != Job.Status.DONE:
            raise CommandError(f"任务 #{job.pk}（{job.get_status_display()}）：{job.log_tail(1)}")
        if options["verbosity"]:
            self.stdout.write(f"已升级 {job.result['count']} 件超期诉求")
