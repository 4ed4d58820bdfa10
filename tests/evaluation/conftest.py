import pytest
from django.core.cache import cache

from tests.evaluation.factories import make_survey


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; every test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def survey(world):
    """An open survey of programme A with one question of every type."""
    return make_survey(world.programme)


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English (the source language); German is the site default."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
