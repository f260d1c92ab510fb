"""The one filter of the enterprise registry, used by the list page, the API and exports."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.areas.models import Area
from fugong.core.validators import normalize_code

from .choices import Category, Industry
from .models import Enterprise

BOOL_CHOICES = [("1", _("是")), ("0", _("否"))]


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    area = django_filters.CharFilter(label=_("区域编码"), method="in_area")
    category = django_filters.ChoiceFilter(label=_("企业类别"), choices=Category.choices)
    industry = django_filters.ChoiceFilter(label=_("行业门类"), choices=Industry.choices)
    emergency = django_filters.ChoiceFilter(label=_("应急保供"), choices=BOOL_CHOICES, method="flag")
    key_industry = django_filters.ChoiceFilter(label=_("重点产业"), choices=BOOL_CHOICES, method="flag")
    unassigned = django_filters.ChoiceFilter(label=_("未配专员"), choices=BOOL_CHOICES, method="flag")
    sort = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(
            ("name", "name"),
            ("credit_code", "credit_code"),
            ("headcount", "headcount"),
            ("local_headcount", "local_headcount"),
            ("area_path", "area"),
            ("created_at", "created"),
        ),
        field_labels={
            "name": _("名称"),
            "credit_code": _("信用代码"),
            "headcount": _("职工总数"),
            "local_headcount": _("本地职工数"),
            "area_path": _("区域"),
            "created_at": _("登记时间"),
        },
    )

    class Meta:
        model = Enterprise
        fields = ["q", "area", "category", "industry"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        code = normalize_code(value)
        return queryset.filter(
            Q(name__icontains=value) | Q(credit_code__startswith=code) | Q(legal_rep_name__icontains=value)
        )

    def in_area(self, queryset, name, value):
        # The area code resolves only among areas the user may see; anything else matches nothing.
        user = getattr(self.request, "user", None)
        area = Area.objects.visible_to(user).filter(code=value.strip()).only("path").first() if user else None
        if area is None:
            return queryset.none()
        return queryset.filter(area_path__startswith=area.path)

    def flag(self, queryset, name, value):
        on = value == "1"
        if name == "unassigned":
            return queryset.filter(commissioner__isnull=on)
        field = {"emergency": "is_emergency_supply", "key_industry": "is_key_industry"}[name]
        return queryset.filter(**{field: on})
