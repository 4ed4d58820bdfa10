"""Free-text answers follow every filter of the results page (wave, collection point, segment), are hidden for
a segment below the minimum segment size, stay searchable and paginated with the filters kept."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from evaluation import selectors, services

pytestmark = pytest.mark.django_db


def submit(survey, count, *, point=None, **answers):
    for _ in range(count):
        services.response_submit(survey=survey, answers=answers, collection_point=point)


@pytest.fixture
def texts(survey):
    """Wave 1: 6 at the market by car ("Parkplätze fehlen"), 2 by bus ("Mehr Busse"); wave 2: 5 by bus."""
    market = services.collection_point_create(survey=survey, name="Markt")
    submit(survey, 6, point=market, transport="car", wish="Parkplätze fehlen")
    submit(survey, 2, transport="bus", wish="Mehr Busse")
    first = survey.waves.get()
    second = services.wave_start(survey=survey)
    submit(survey, 5, transport="bus", wish="Busse am Abend")
    return survey, market, first, second


def page_url(programme, survey, question):
    return reverse(
        "programmes:evaluation:text_answers",
        kwargs={**programme.url_kwargs, "survey": survey.pk, "question": question.pk},
    )


def listed(html: str) -> list[str]:
    block = html.split('id="text-answers"', 1)[1].split("</ul>", 1)[0]
    return [item.split("<br>", 1)[0].rsplit(">", 1)[-1] for item in block.split('question-item">')[1:]]


def test_texts_follow_wave_point_and_segment(client_as, world, texts):
    survey, market, _first, second = texts
    wish = survey.questions.get(code="wish")
    bus = survey.questions.get(code="transport").choices.get(code="bus")
    url = page_url(world.programme, survey, wish)
    client = client_as("stakeholder")
    assert len(listed(client.get(url).content.decode())) == 13
    by_point = client.get(url, {"collection_point": market.pk}).content.decode()
    assert set(listed(by_point)) == {"Parkplätze fehlen"} and "6 answers · Markt" in by_point
    by_segment = client.get(url, {"segment_choice": bus.pk}).content.decode()
    assert sorted(set(listed(by_segment))) == ["Busse am Abend", "Mehr Busse"] and "7 answers" in by_segment
    by_wave_and_segment = client.get(url, {"wave": second.pk, "segment_choice": bus.pk}).content.decode()
    assert set(listed(by_wave_and_segment)) == {"Busse am Abend"}
    searched = client.get(url, {"segment_choice": bus.pk, "q": "abend"}).content.decode()
    assert listed(searched) == ["Busse am Abend"] * 5


def test_texts_of_a_segment_below_the_threshold_are_hidden(client_as, world, texts):
    survey, _market, first, _second = texts
    wish = survey.questions.get(code="wish")
    bus = survey.questions.get(code="transport").choices.get(code="bus")
    html = (
        client_as("member")
        .get(page_url(world.programme, survey, wish), {"wave": first.pk, "segment_choice": bus.pk})
        .content.decode()
    )
    assert 'id="suppressed"' in html and "Mehr Busse" not in html and 'id="text-answers"' not in html
    # the wave alone is no segment: its answers show
    assert (
        "Mehr Busse"
        in client_as("member")
        .get(page_url(world.programme, survey, wish), {"wave": first.pk})
        .content.decode()
    )
    # the programme's lower minimum shows the two answers
    services.evaluation_settings_update(programme=world.programme, small_cell_threshold=2)
    shown = (
        client_as("member")
        .get(page_url(world.programme, survey, wish), {"wave": first.pk, "segment_choice": bus.pk})
        .content.decode()
    )
    assert listed(shown) == ["Mehr Busse", "Mehr Busse"]


def test_selector_applies_every_filter(texts):
    survey, market, first, second = texts
    wish = survey.questions.get(code="wish")
    car = survey.questions.get(code="transport").choices.get(code="car")
    filters = selectors.ResultFilters(wave=first, collection_point=market, segment_choice=car)
    assert selectors.text_answers(wish, filters=filters).count() == 6
    assert not selectors.segment_suppressed(survey, filters)
    assert selectors.segment_suppressed(survey, selectors.ResultFilters(segment_choice=car, wave=second))


def test_pagination_keeps_filters_and_search(client_as, world, survey):
    market = services.collection_point_create(survey=survey, name="Markt")
    submit(survey, 30, point=market, transport="car", wish="Mehr Grün")
    submit(survey, 3, transport="bus", wish="Mehr Grün")
    wish = survey.questions.get(code="wish")
    html = (
        client_as("stakeholder")
        .get(page_url(world.programme, survey, wish), {"collection_point": market.pk, "q": "grün"})
        .content.decode()
    )
    assert "30 answers" in html and "Page 1 of 2" in html
    assert f"?page=2&amp;collection_point={market.pk}&amp;q=gr%C3%BCn" in html


def test_results_page_links_to_the_texts_with_all_filters(client_as, world, texts):
    survey, market, first, _second = texts
    car = survey.questions.get(code="transport").choices.get(code="car")
    wish = survey.questions.get(code="wish")
    results = reverse(
        "programmes:evaluation:results", kwargs={**world.programme.url_kwargs, "survey": survey.pk}
    )
    params = {"wave": first.pk, "collection_point": market.pk, "segment_choice": car.pk}
    html = client_as("member").get(results, params).content.decode()
    expected = f"{page_url(world.programme, survey, wish)}?wave={first.pk}&amp;collection_point={market.pk}&amp;segment_choice={car.pk}"
    assert expected in html


def test_unknown_filter_is_ignored_with_a_warning(client_as, world, texts):
    survey, *_rest = texts
    wish = survey.questions.get(code="wish")
    response = client_as("member").get(
        page_url(world.programme, survey, wish), {"collection_point": "999999"}
    )
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "This survey has no such collection point." in html and len(listed(html)) == 13


@pytest.mark.parametrize("count", [1, 60])
def test_text_page_query_count_is_fixed(client_as, world, survey, count, django_assert_max_num_queries):
    market = services.collection_point_create(survey=survey, name="Markt")
    submit(survey, count, point=market, transport="car", wish="Mehr Grün")
    car = survey.questions.get(code="transport").choices.get(code="car")
    client = client_as("member")
    with django_assert_max_num_queries(13):
        response = client.get(
            page_url(world.programme, survey, survey.questions.get(code="wish")),
            {"collection_point": market.pk, "segment_choice": car.pk, "q": "grün"},
        )
    assert response.status_code == HTTPStatus.OK
