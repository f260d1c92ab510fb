"""The services' refusals follow the chosen language, placeholders filled in."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from fugong.supervision import services


def test_a_second_version_too_early_is_refused_in_english(world):
    admin, today = world.users["sysadmin"], timezone.localdate()
    services.checklist_item_add(
        actor=admin, code="en-test", title="Item", effective_from=today + dt.timedelta(days=5)
    )
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.checklist_item_add(actor=admin, code="en-test", title="Item", effective_from=today)
    later = today + dt.timedelta(days=5)
    assert refused.value.message_dict["effective_from"] == [
        f"This item already has a version from {later}; a new version must take effect after it"
    ]


def test_the_window_refusal_is_translated_when_english_is_chosen(world):
    with translation.override("en"):
        with pytest.raises(PermissionDenied) as refused:
            services.window_update(actor=world.users["street_A"], window_days=30)
        assert str(refused.value) == (
            "Only district system administrators can change the checklist and the violation settings"
        )
    with pytest.raises(PermissionDenied, match="只有区级系统管理员"):
        services.window_update(actor=world.users["street_A"], window_days=30)
