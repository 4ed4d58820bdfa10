"""The printable QR poster in A4 and A6."""

from http import HTTPStatus

from evaluation import services
from tests.evaluation.test_views import url


def test_poster_defaults_to_a4_and_offers_a6(client_as, world, survey):
    response = client_as("stakeholder").get(url("survey_poster", world.programme, survey=survey.pk))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "poster--a4" in page and "poster-a6.css" not in page
    assert 'href="?size=a6"' in page


def test_a6_poster_uses_the_a6_print_stylesheet(client_as, world, survey):
    point = services.collection_point_create(survey=survey, name="Rathaus")
    poster = url("point_poster", world.programme, survey=survey.pk, point=point.pk)
    page = client_as("member").get(poster + "?size=a6").content.decode()
    assert "poster--a6" in page and "poster-a6.css" in page
    assert point.public_path() in page and "Rathaus" in page
    assert 'href="?size=a4"' in page


def test_unknown_poster_size_falls_back_to_a4(client_as, world, survey):
    page = client_as("lead").get(url("survey_poster", world.programme, survey=survey.pk) + "?size=a0")
    assert "poster--a4" in page.content.decode()
