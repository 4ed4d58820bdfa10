"""Every Evaluation page and endpoint × every role. Another programme's lead gets 404, never a hint."""

import pytest
from django.urls import reverse

from evaluation import services
from tests.evaluation.factories import add_responses
from tests.permissions import FORBIDDEN, NOT_FOUND, OK, REDIRECT, check_matrix

pytestmark = pytest.mark.django_db

VIEW = {
    "anonymous": REDIRECT,
    "stakeholder": OK,
    "member": OK,
    "lead": OK,
    "other_lead": NOT_FOUND,
    "org_admin": OK,
}
EDIT_PAGE = {**VIEW, "stakeholder": FORBIDDEN}
EDIT_POST = {
    "anonymous": REDIRECT,
    "stakeholder": FORBIDDEN,
    "member": REDIRECT,
    "lead": REDIRECT,
    "other_lead": NOT_FOUND,
    "org_admin": REDIRECT,
}
API_VIEW = {
    "anonymous": 401,
    "stakeholder": 200,
    "member": 200,
    "lead": 200,
    "other_lead": 404,
    "org_admin": 200,
}


@pytest.fixture
def setup(world, survey):
    add_responses(survey, 3)
    point = services.collection_point_create(survey=survey, name="Markt")
    finding = services.finding_create(programme=world.programme, statement="Parken")
    evidence = services.evidence_add(finding=finding, kind="url", label="Link", url="https://example.org")
    base = {**world.programme.url_kwargs}
    return {
        "other_base": {**world.other_programme.url_kwargs},
        "survey": survey,
        "point": point,
        "finding": finding,
        "evidence": evidence,
        "base": base,
        "s": {**base, "survey": survey.pk},
        "q": {**base, "survey": survey.pk, "question": survey.questions.get(code="wish").pk},
        "p": {**base, "survey": survey.pk, "point": point.pk},
    }


def url(name, kwargs):
    return reverse(f"programmes:evaluation:{name}", kwargs=kwargs)


def test_overview(client_as, setup):
    check_matrix(client_as, reverse("programmes:evaluation", kwargs=setup["base"]), VIEW)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("survey_detail", "s"),
        ("results", "s"),
        ("split", "s"),
        ("compare", "s"),
        ("survey_poster", "s"),
        ("survey_qr_svg", "s"),
        ("survey_qr_png", "s"),
        ("text_answers", "q"),
        ("point_poster", "p"),
        ("point_qr_svg", "p"),
        ("point_qr_png", "p"),
        ("finding_list", "base"),
    ],
)
def test_read_pages(client_as, setup, name, key):
    check_matrix(client_as, url(name, setup[key]), VIEW)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("survey_create", "base"),
        ("survey_edit", "s"),
        ("question_create", "s"),
        ("question_edit", "q"),
        ("export_csv", "s"),
        ("export_xlsx", "s"),
        ("import", "s"),
        ("finding_create", "base"),
    ],
)
def test_edit_pages(client_as, setup, name, key):
    check_matrix(client_as, url(name, setup[key]), EDIT_PAGE)


def test_settings_page_is_for_leads(client_as, setup):
    leads = {**EDIT_PAGE, "member": FORBIDDEN}
    check_matrix(client_as, url("settings", setup["base"]), leads)


def test_finding_edit_page(client_as, setup):
    check_matrix(client_as, url("finding_edit", {**setup["base"], "finding": setup["finding"].pk}), EDIT_PAGE)


@pytest.mark.parametrize(
    ("name", "key", "data"),
    [
        ("survey_close", "s", {}),
        ("wave_start", "s", {"label": ""}),
        ("question_move", "q", {"direction": "up"}),
        ("point_create", "s", {"name": "Neu"}),
    ],
)
def test_edit_posts(client_as, setup, name, key, data):
    expected = dict(EDIT_POST)
    if name == "point_create":
        # the second and later attempts repeat the name and answer 400 with the form
        expected.update(lead=400, org_admin=400)
    check_matrix(client_as, url(name, setup[key]), expected, method="post", data=data)


@pytest.mark.parametrize(
    ("name", "kwargs_of"),
    [
        ("point_delete", lambda s: s["p"]),
        ("finding_delete", lambda s: {**s["base"], "finding": s["finding"].pk}),
        ("evidence_delete", lambda s: {**s["base"], "evidence": s["evidence"].pk}),
        ("question_delete", lambda s: {**s["s"], "question": s["survey"].questions.get(code="agree").pk}),
    ],
)
def test_deletes(client_as, setup, name, kwargs_of):
    target = url(name, kwargs_of(setup))
    for role, status in [("anonymous", 302), ("stakeholder", 403), ("other_lead", 404), ("member", 302)]:
        assert client_as(role).post(target).status_code == status, role


def test_finding_from_question_matrix_and_button_per_role(client_as, setup):
    """Only the roles that may create findings see the one-click button, and only they can use it."""
    from evaluation.models import Finding

    question = setup["survey"].questions.get(code="grade")
    target = url("finding_from_question", setup["base"])
    check_matrix(client_as, target, EDIT_POST, method="post", data={"question": question.pk})
    creators = {"member", "lead", "org_admin"}
    assert Finding.objects.filter(evidence__question=question).count() == len(creators)
    results = url("results", setup["s"])
    for role, status in VIEW.items():
        response = client_as(role).get(results)
        if status == OK:
            assert (f'action="{target}"' in response.content.decode()) == (role in creators), role
    # another programme's lead, in their own programme, cannot reach a question of this programme
    other = url("finding_from_question", setup["other_base"])
    assert client_as("other_lead").post(other, {"question": question.pk}).status_code == NOT_FOUND


def test_publish_matrix(client_as, world):
    from tests.evaluation.factories import make_survey

    draft = make_survey(world.programme, publish=False)
    target = url("survey_publish", {**world.programme.url_kwargs, "survey": draft.pk})
    check_matrix(client_as, target, EDIT_POST, method="post")


def test_survey_of_other_programme_is_404_even_for_its_members(client_as, world, setup):
    """Programme A's URL with programme B's survey id answers 404."""
    from tests.evaluation.factories import make_survey

    foreign = make_survey(world.other_programme)
    target = url("results", {**setup["base"], "survey": foreign.pk})
    assert client_as("lead").get(target).status_code == NOT_FOUND


# --- API ---------------------------------------------------------------------------------------------


def test_api_survey_list_and_detail(api_as, setup):
    survey = setup["survey"]
    check_matrix(api_as, reverse("api:survey-detail", kwargs={"pk": survey.pk}), API_VIEW)
    check_matrix(api_as, reverse("api:survey-results", kwargs={"pk": survey.pk}), API_VIEW)
    check_matrix(api_as, reverse("api:survey-question-list", kwargs={"survey_pk": survey.pk}), API_VIEW)
    check_matrix(
        api_as, reverse("api:survey-collection-point-list", kwargs={"survey_pk": survey.pk}), API_VIEW
    )
    check_matrix(api_as, reverse("api:finding-detail", kwargs={"pk": setup["finding"].pk}), API_VIEW)


def test_api_writes(api_as, setup, world):
    survey = setup["survey"]
    expected = {
        "anonymous": 401,
        "stakeholder": 403,
        "member": 200,
        "lead": 200,
        "other_lead": 404,
        "org_admin": 200,
    }
    check_matrix(
        api_as,
        reverse("api:survey-detail", kwargs={"pk": survey.pk}),
        expected,
        method="patch",
        data={"title": "Neu"},
        format="json",
    )
    created = {**expected, "member": 201, "lead": 201, "org_admin": 201}
    check_matrix(
        api_as,
        reverse("api:survey-question-list", kwargs={"survey_pk": survey.pk}),
        created,
        method="post",
        data={"type": "short_text", "text": "Noch etwas?"},
        format="json",
    )
    check_matrix(
        api_as,
        reverse("api:finding-evidence", kwargs={"pk": setup["finding"].pk}),
        created,
        method="post",
        data={"kind": "url", "url": "https://example.org/x"},
        format="json",
    )
    check_matrix(
        api_as,
        reverse("api:finding-from-question"),
        # another programme's question is unknown to its lead: 400 on the field, like any unknown id
        {**created, "other_lead": 400},
        method="post",
        data={"question": survey.questions.get(code="grade").pk},
        format="json",
    )
    # creating in another programme is refused: the programme is not among the visible ones (400)
    response = api_as("other_lead").post(
        reverse("api:survey-list"), {"programme": world.programme.pk, "title": "X"}, format="json"
    )
    assert response.status_code == 400
    response = api_as("stakeholder").post(
        reverse("api:survey-list"), {"programme": world.programme.pk, "title": "X"}, format="json"
    )
    assert response.status_code == 403


# --- Response management: leads and organisation admins only -----------------------------------------

LEAD_PAGE = {**EDIT_PAGE, "member": FORBIDDEN}
LEAD_POST = {**EDIT_POST, "member": FORBIDDEN}


@pytest.fixture
def imported(setup):
    from evaluation.models import ImportBatch
    from tests.evaluation.factories import VALID

    survey = setup["survey"]
    batch = services.responses_import_recorded(
        survey=survey, wave=survey.waves.get(), records=[VALID, VALID], file_name="papier.csv"
    )
    assert batch.status == ImportBatch.Status.IMPORTED
    return batch


@pytest.mark.parametrize("name", ["responses", "import_batches"])
def test_response_management_pages(client_as, setup, name):
    check_matrix(client_as, url(name, setup["s"]), LEAD_PAGE)


def test_response_management_link_only_for_leads(client_as, setup):
    target = url("responses", setup["s"])
    for role, shown in [("stakeholder", False), ("member", False), ("lead", True), ("org_admin", True)]:
        page = client_as(role).get(url("survey_detail", setup["s"])).content.decode()
        assert (f'href="{target}"' in page) == shown, role


def test_response_delete_and_import_undo(client_as, setup, imported):
    from evaluation.models import Response

    check_matrix(client_as, url("import_undo", {**setup["s"], "batch": imported.pk}), LEAD_PAGE)
    # the first allowed POST undoes the import, the second finds it undone: both go back to the list
    check_matrix(
        client_as, url("import_undo", {**setup["s"], "batch": imported.pk}), LEAD_POST, method="post"
    )
    assert not imported.responses.exists()
    doomed = Response.objects.filter(wave__survey=setup["survey"]).first()
    check_matrix(
        client_as,
        url("responses_delete", setup["s"]),
        {**LEAD_POST, "lead": OK, "org_admin": OK},  # the confirmation step
        method="post",
        data={"response": [doomed.pk]},
    )
    check_matrix(
        client_as,
        url("responses_delete", setup["s"]),
        LEAD_POST,
        method="post",
        data={"response": [doomed.pk], "confirm": "1"},
    )
    assert not Response.objects.filter(pk=doomed.pk).exists()


def test_api_response_management(api_as, setup, imported):
    from evaluation.models import Response

    survey = setup["survey"]
    lead_only = {**API_VIEW, "stakeholder": 403, "member": 403}
    check_matrix(api_as, reverse("api:survey-response-list", kwargs={"survey_pk": survey.pk}), lead_only)
    check_matrix(api_as, reverse("api:survey-import-list", kwargs={"survey_pk": survey.pk}), lead_only)
    check_matrix(
        api_as,
        reverse("api:survey-import-detail", kwargs={"survey_pk": survey.pk, "pk": imported.pk}),
        lead_only,
    )
    check_matrix(
        api_as,
        reverse("api:survey-import-undo", kwargs={"survey_pk": survey.pk, "pk": imported.pk}),
        {**lead_only, "org_admin": 400},  # undone by the lead already
        method="post",
    )
    first, second = Response.objects.filter(wave__survey=survey).order_by("pk")[:2]
    check_matrix(
        api_as,
        reverse("api:survey-response-detail", kwargs={"survey_pk": survey.pk, "pk": first.pk}),
        {**lead_only, "lead": 204, "org_admin": 404},  # gone after the lead's delete
        method="delete",
    )
    check_matrix(
        api_as,
        reverse("api:survey-response-delete-many", kwargs={"survey_pk": survey.pk}),
        lead_only,
        method="post",
        data={"ids": [second.pk]},
        format="json",
    )
    assert not Response.objects.filter(pk__in=[first.pk, second.pk]).exists()
