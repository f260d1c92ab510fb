"""manage.py sweep_uploads: delete stored files no row refers to (left by rolled-back transactions).

Run it daily (cron or a systemd timer); ``--dry-run`` lists what it would delete. Each run is a job
(core.jobs, kind ``core.sweep_uploads``) run in this process.
"""

from django.core.management.base import BaseCommand, CommandError

from fugong.core.jobs.runner import Job, run_now


class Command(BaseCommand):
    help = "删除没有任何记录引用的上传文件（事务回滚后遗留），只删除早于 --older-than 秒的文件"

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=int, default=3600, help="只处理早于此秒数的文件（默认 3600）"
        )
        parser.add_argument("--dry-run", action="store_true", help="只列出，不删除")

    def handle(self, *args, older_than: int, dry_run: bool, **options):
        if older_than < 60:
            raise CommandError("--older-than 不得小于 60 秒：正在保存的文件可能尚未写入数据库")
        job = run_now("core.sweep_uploads", params={"older_than": older_than, "dry_run": dry_run})
        if job.status != Job.Status.DONE:
            raise CommandError(f"清理失败（任务 #{job.pk}）：{job.log_tail(1)}")
        names = job.result["names"]
        verb = "将删除" if dry_run else "已删除"
        for name in names:
            self.stdout.write(f"  {name}")
        self.stdout.write(f"{verb}无引用的文件 {len(names)} 个")
