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
