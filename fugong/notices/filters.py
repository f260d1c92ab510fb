"""The filters of the sender's notice list and of a notice's read list (page, API and export)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.areas.models import Area
from fugong.core.validators import normalize_code
from fugong.enterprises.choices import Category

from .choices import NoticeStatus, ReadState
from .models import Notice, NoticeRecipient

STATE_Q = {
    ReadState.ACKNOWLEDGED: Q(acknowledged_at__isnull=False),
    ReadState.VIEWED: Q(acknowledged_at__isnull=True, viewed_at__isnull=False),
    ReadState.UNREAD: Q(viewed_at__isnull=True),
}


class NoticeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("标题"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=NoticeStatus.choices)

    class Meta:
        model = Notice
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        return queryset.filter(title__icontains=value) if value else queryset


class RecipientFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("阅读状态"), choices=ReadState.choices, method="in_state")
    q = django_filters.CharFilter(label=_("企业名称或信用代码"), method="search")
    category = django_filters.ChoiceFilter(label=_("企业类别"), choices=Category.choices)
    area = django_filters.CharFilter(label=_("区域编码"), method="in_area")

    class Meta:
        model = NoticeRecipient
        fields = ["state", "q", "category", "area"]

    def in_state(self, queryset, name, value):
        return queryset.filter(STATE_Q[value])

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value)
            | Q(enterprise__credit_code__startswith=normalize_code(value))
        )

    def in_area(self, queryset, name, value):
        # Only areas the user may see resolve; anything else matches nothing.
        user = getattr(self.request, "user", None)
        area = Area.objects.visible_to(user).filter(code=value.strip()).only("path").first() if user else None
        return queryset.filter(area_path__startswith=area.path) if area else queryset.none()
