"""The services' refusals follow the chosen language (Chinese by default, English when chosen)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from fugong.notices import services


@pytest.mark.parametrize(
    ("language", "title", "body"),
    [("zh-hans", "请填写标题", "请填写正文"), ("en", "Please enter a title", "Please enter the body text")],
)
def test_a_refused_draft_speaks_the_chosen_language(world, language, title, body):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        services.notice_save(
            actor=world.users["street_A"], title="", body="", target_area=world.areas["A"], categories=[]
        )
    assert refused.value.message_dict == {"title": [title], "body": [body]}
