"""The registry of job kinds: each app declares its own on its AppConfig (``job_kinds``)."""

from dataclasses import dataclass

from ..registry import contributions, reader


@dataclass(frozen=True)
class JobKind:
    """``kind`` (a stable name, stored on the row), ``runner`` (dotted path of
    ``runner(job: JobContext) -> dict``, the result kept on the row) and its label."""

    kind: str
    runner: str
    label: str

    def resolve(self):
        return reader(self.runner)


def job_kinds() -> dict[str, JobKind]:
    return {k.kind: k for k in contributions("job_kinds")}


def kind_label(kind: str) -> str:
    found = job_kinds().get(kind)
    return str(found.label) if found else kind
