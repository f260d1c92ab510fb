"""One job model and runner for every background run (NetBox's JobRunner is the idea).

An app declares its kinds on its AppConfig (``job_kinds = (JobKind(...),)``) and ``core.registry``
gathers them, so core names no app. ``enqueue`` writes the row and hands it to the task backend when
the transaction commits (nothing is sent on rollback); one live job per ``dedupe_key``, so
enqueueing the same run twice gives one job. The worker claims a job with one conditional UPDATE
(``status='queued'`` → ``running``), so two workers never run it twice, and the runner records
progress, log lines and the result file. A failure is logged as a line without the error's text
(which may hold personal data) and without a traceback; the traceback goes to the server log.
"""

from .kinds import JobKind, job_kinds

_RUNNER = {"Job", "JobContext", "JobError", "enqueue", "run_job", "run_now"}


def __getattr__(name: str):
    # AppConfigs import JobKind before the models are ready: the rest is loaded on first use.
    if name in _RUNNER:
        from . import runner

        return getattr(runner, name)
    raise AttributeError(name)


__all__ = ["Job", "JobContext", "JobError", "JobKind", "enqueue", "job_kinds", "run_job", "run_now"]
