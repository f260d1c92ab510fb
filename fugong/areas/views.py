from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Area, Department, WorkingGroup


@login_required
def area_list(request):
    return render(request, "areas/area_list.html", {"areas": Area.objects.visible_to(request.user)[:500]})


@login_required
def department_list(request):
    return render(request, "areas/department_list.html", {"departments": Department.objects.visible_to(request.user)})


@login_required
def group_list(request):
    return render(request, "areas/group_list.html", {"groups": WorkingGroup.objects.visible_to(request.user)})
