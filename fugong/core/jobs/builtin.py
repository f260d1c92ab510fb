"""Core's own job kinds."""

from django.utils.translation import gettext as _

from ..uploads import sweep_orphans


def sweep_uploads(job) -> dict:
    """Delete (or with ``dry_run`` list) stored files no row refers to, older than ``older_than`` seconds."""
    names = sweep_orphans(
        older_than_seconds=int(job.params.get("older_than", 3600)), dry_run=bool(job.params.get("dry_run"))
    )
    job.progress(len(names), len(names))
    job.log(_("无引用的文件 %(count)d 个") % {"count": len(names)})
    return {"names": names, "count": len(names), "dry_run": bool(job.params.get("dry_run"))}


def sweep_jobs(job) -> dict:
    """Free the jobs lost with their worker and delete result files past their retention."""
    from .runner import expire_files, reap_stale

    reaped, expired = reap_stale(), expire_files()
    job.log(
        _("中断的任务 %(reaped)d 个，过期的结果文件 %(expired)d 个") % {"reaped": reaped, "expired": expired}
    )
    return {"reaped": reaped, "expired": expired}
