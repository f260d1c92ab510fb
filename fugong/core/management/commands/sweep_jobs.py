"""manage.py sweep_jobs: mark failed the jobs lost with their worker, delete expired result files.

Run it every few minutes (cron or a systemd timer). Each run is a job (core.jobs, kind
``core.sweep_jobs``) run in this process.
"""

from django.core.management.base import BaseCommand, CommandError

from fugong.core.jobs.runner import Job, run_now


class Command(BaseCommand):
    help = "将后台进程退出后中断的任务标记为失败，删除超过保留期的任务结果文件"

    def handle(self, *args, **options):
        job = run_now("core.sweep_jobs")
        if job.status != Job.Status.DONE:
            raise CommandError(f"清理失败（任务 #{job.pk}）：{job.log_tail(1)}")
        self.stdout.write(
            f"中断的任务 {job.result['reaped']} 个已标记为失败，过期的结果文件 {job.result['expired']} 个已删除"
        )
