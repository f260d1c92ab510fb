"""Raise overdue problems to the level above. Run from cron, e.g. every 15 minutes:

*/15 * * * *  cd /srv/fugong && .venv/bin/python manage.py escalate_problems
"""

from django.core.management.base import BaseCommand

from fugong.ledger.services import problems_escalate_overdue


class Command(BaseCommand):
    help = "超期未答复的企业诉求升级至上一级督办（供定时任务调用，可重复运行）"

    def handle(self, *args, **options):
        count = problems_escalate_overdue()
        if options["verbosity"]:
            self.stdout.write(f"已升级 {count} 件超期诉求")
