"""我的任务: the jobs the signed-in user asked for, their progress (polled while running), log and file."""

from django.core.paginator import Paginator
from django.http import Http404

from ..uploads import serve
from ..web.views import KitView, ScopedDetailView
from .kinds import kind_label
from .models import Job

PAGE_SIZE = 20


class JobList(KitView):
    template_name = "core/jobs.html"
    fragment_template = "core/_jobs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(Job.objects.filter(requested_by=self.request.user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        for job in page.object_list:
            job.kind_label = kind_label(job.kind)
        context.update(jobs=page.object_list, page=page, polling=any(job.live for job in page.object_list))
        return context


class JobDetail(ScopedDetailView):
    model = Job
    template_name = "core/job_detail.html"
    fragment_template = "core/_job.html"
    context_object_name = "job"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind_label"] = kind_label(context["job"].kind)
        return context


def job_file_response(user, pk: int):
    """The result file of a job the user may see (the requester, the system administrator), else 404."""
    job = Job.objects.visible_to(user).filter(pk=pk, status=Job.Status.DONE).exclude(file="").first()
    if job is None:
        raise Http404
    return serve(
        job.file, download_name=job.file_name or job.file.name.rsplit("/", 1)[-1], content_type=_type(job)
    )


def _type(job: Job) -> str:
    name = (job.file_name or job.file.name).lower()
    if name.endswith(".xlsx"):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if name.endswith(".pdf"):
        return "application/pdf"
    return "application/octet-stream"


class JobFile(KitView):
    http_method_names = ["get"]

    def get(self, request, pk: int):
        return job_file_response(request.user, pk)


job_list = JobList.as_view()
job_detail = JobDetail.as_view()
job_file = JobFile.as_view()
