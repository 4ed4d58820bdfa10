"""Workshop pages of a programme and the guests' personal voting page. Thin: services and selectors do the work.

Who may do what: leads and members (``programmes.edit_content``) plan and run workshops; stakeholders see the
workshops, results and minutes, and vote only when a member has added them as participants. Guests vote through
their personal link (``/w/<token>/``) without an account. Every form posts normally (page reload) and is
enhanced with htmx (``hx-select`` takes the changed section out of the same page).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from config.converters import parse_id

from . import workshops as ws
from .forms_workshops import (
    AgendaItemForm,
    ConversionForm,
    OutputForm,
    ParticipantForm,
    SubjectsForm,
    WorkshopForm,
)
from .models import AgendaItem, Workshop, WorkshopOutput, WorkshopParticipant
from .rules import EDIT
from .views import apply_validation_error
from .views_base import ActionView, ProgrammeMixin


class WorkshopsMixin(ProgrammeMixin):
    def w_url(self, name: str, **kwargs) -> str:
        return reverse(f"programmes:{name}", kwargs={**self.programme.url_kwargs, **kwargs})


class WorkshopMixin(WorkshopsMixin):
    @cached_property
    def workshop(self) -> Workshop:
        workshop = get_object_or_404(Workshop.objects.filter(programme=self.programme), pk=self.kwargs["pk"])
        workshop.programme = self.programme  # the same row, already loaded: no second query
        return workshop

    def detail_url(self, anchor: str = "") -> str:
        url = self.w_url("workshop_detail", pk=self.workshop.pk)
        return f"{url}#{anchor}" if anchor else url


# --- List, create, edit, delete -------------------------------------------------------------------------------


class WorkshopListView(WorkshopsMixin, TemplateView):
    template_name = "programmes/workshops/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upcoming, past = ws.workshops_split(self.programme)
        context.update(upcoming=upcoming, past=past, templates=list(ws.TEMPLATES.values()))
        return context


class WorkshopCreateView(WorkshopsMixin, FormView):
    template_name = "programmes/workshops/form.html"
    form_class = WorkshopForm
    permission_required = EDIT

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": True}

    def get_initial(self):
        template = self.request.GET.get("template", "")
        initial = {"template": template if template in ws.TEMPLATES else ""}
        initial["facilitator"] = self.request.user.get_full_name()
        return initial

    def form_valid(self, form):
        try:
            workshop = ws.workshop_create(
                programme=self.programme, created_by=self.request.user, **form.service_fields()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Workshop “%(title)s” created.") % {"title": workshop.title})
        return redirect(self.w_url("workshop_detail", pk=workshop.pk))

    def get_context_data(self, **kwargs):
        return super().get_context_data(creating=True, **kwargs)


class WorkshopEditView(WorkshopMixin, FormView):
    template_name = "programmes/workshops/form.html"
    form_class = WorkshopForm
    permission_required = EDIT

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.workshop}

    def form_valid(self, form):
        try:
            ws.workshop_update(workshop=self.workshop, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect(self.detail_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(workshop=self.workshop, **kwargs)


class WorkshopDeleteView(WorkshopMixin, View):
    permission_required = EDIT

    def post(self, request, *args, **kwargs):
        ws.workshop_delete(workshop=self.workshop)
        messages.success(request, _("Workshop deleted."))
        return redirect(self.w_url("workshop_list"))


# --- The run page ---------------------------------------------------------------------------------------------


def workshop_page_context(workshop: Workshop, *, participant=None, can_edit=False, public=False) -> dict:
    """What the run page and its partials show; a fixed number of queries for any number of outputs.
    ``public``: for a guest, who gets no links into the programme's pages."""
    outputs = list(ws.outputs_with_dots(workshop))
    subject_labels = {votable.kind: votable.label for votable in ws.votable_objects.all()}
    for output in outputs:
        if output.kind == WorkshopOutput.Kind.SUBJECT:
            output.subject_label = subject_labels.get(output.subject_kind, output.subject_kind)
            output.subject_url = "" if public else ws.subject_url(output, workshop.programme)
    votable = [output for output in outputs if output.votable]
    placed = ws.participant_dots(participant)
    for output in votable:
        output.my_dots = placed.get(output.pk, 0)
    participants = list(ws.participants_for(workshop))
    results = sorted(votable, key=lambda output: (-output.total_dots, output.created_at, output.pk))
    # Who put how many dots where: never for a guest, and for nobody in an anonymous vote (then it is empty).
    votes = {} if public else ws.votes_by_output(workshop)
    for output in results:
        output.voters = votes.get(output.pk, [])
    return {
        **ws.voting_progress(workshop, participant_count=len(participants)),
        "workshop": workshop,
        "outputs": outputs,
        "ideas": [o for o in outputs if o.kind == WorkshopOutput.Kind.IDEA],
        "decisions": [o for o in outputs if o.kind == WorkshopOutput.Kind.DECISION],
        "actions": [o for o in outputs if o.kind == WorkshopOutput.Kind.ACTION],
        "subjects": [o for o in outputs if o.kind == WorkshopOutput.Kind.SUBJECT],
        "subject_kinds": " / ".join(str(votable.label_plural) for votable in ws.votable_objects.all()),
        "votable": votable,
        "results": results,
        "participants": participants,
        "me": participant,
        "my_dots_left": ws.dots_left(workshop, placed),
        "conversion_labels": {c.kind: c.label for c in ws.workshop_conversions.all()},
        "can_edit": can_edit,
    }


class WorkshopDetailView(WorkshopMixin, TemplateView):
    template_name = "programmes/workshops/detail.html"
    forms: dict = {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workshop = self.workshop
        user = self.request.user
        can_edit = context["can_edit"]
        me = ws.participant_for_user(workshop=workshop, user=user)
        context.update(workshop_page_context(workshop, participant=me, can_edit=can_edit))
        agenda = list(workshop.agenda.all())
        context.update(
            agenda=agenda,
            agenda_minutes=sum(item.minutes for item in agenda),
            # Leads and members get a participant row when they first vote; stakeholders only when added.
            may_vote=me is not None or can_edit,
            conversions=ws.workshop_conversions.all(),
        )
        if can_edit:
            context.update(
                participant_form=self.forms.get("participant")
                or ParticipantForm(candidates=_candidates(self.programme, workshop)),
                agenda_form=self.forms.get("agenda") or AgendaItemForm(),
                output_form=self.forms.get("output") or OutputForm(workshop=workshop),
                subjects_form=self.forms.get("subjects")
                or SubjectsForm(programme=self.programme, taken=_taken_subjects(context["subjects"])),
                guest_links=guest_links(self.request, workshop, context["participants"]),
                guest_links_expire_at=ws.guest_link_expires_at(workshop),
            )
        return context


def guest_links(request, workshop: Workshop, participants) -> list[dict]:
    """Each guest's personal link with its state (active, expired, revoked); the address only while it works."""
    links = []
    for participant in participants:
        if participant.user_id is not None:
            continue
        state = ws.guest_link_state(participant, workshop=workshop)
        url = ""
        if state == ws.GuestLinkState.ACTIVE:
            token = ws.guest_token(participant)
            url = request.build_absolute_uri(reverse("workshop_public:guest", kwargs={"token": token}))
        links.append({"participant": participant, "state": state, "url": url})
    return links


def _taken_subjects(subjects) -> dict[str, set[int]]:
    taken: dict[str, set[int]] = {}
    for output in subjects:
        taken.setdefault(output.subject_kind, set()).add(output.subject_id)
    return taken


def _candidates(programme, workshop):
    from django.contrib.auth import get_user_model

    taken = WorkshopParticipant.objects.filter(workshop=workshop, user__isnull=False).values("user_id")
    return (
        get_user_model()
        .objects.filter(memberships__programme=programme)
        .exclude(pk__in=taken)
        .order_by("name", "email")
    )


class WorkshopPostView(WorkshopMixin, View):
    """A form posted from the run page: on success back to the page (PRG), on error the page with the form."""

    permission_required = EDIT
    form_key = ""
    anchor = ""

    def invalid(self, form):
        view = WorkshopDetailView(forms={self.form_key: form})
        view.setup(self.request, **self.kwargs)
        view.__dict__["programme"] = self.programme
        view.__dict__["workshop"] = self.workshop
        return view.render_to_response(view.get_context_data())

    def done(self, message: str = ""):
        if message:
            messages.success(self.request, message)
        return redirect(self.detail_url(self.anchor))


class ParticipantAddView(WorkshopPostView):
    form_key, anchor = "participant", "participants"

    def post(self, request, *args, **kwargs):
        form = ParticipantForm(request.POST, candidates=_candidates(self.programme, self.workshop))
        if not form.is_valid():
            return self.invalid(form)
        try:
            participant = ws.participant_add(workshop=self.workshop, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.invalid(form)
        return self.done(_("%(name)s takes part.") % {"name": participant.name})


class ParticipantRemoveView(WorkshopPostView):
    anchor = "participants"

    def post(self, request, *args, **kwargs):
        participant = get_object_or_404(self.workshop.participants, pk=kwargs["participant"])
        ws.participant_remove(participant=participant)
        return self.done(_("%(name)s no longer takes part.") % {"name": participant.name})


class GuestLinkView(WorkshopMixin, ActionView):
    """Renew (a new link; older ones stop working) or withdraw a guest's personal link."""

    permission_required = EDIT

    @cached_property
    def guest(self) -> WorkshopParticipant:
        return get_object_or_404(self.workshop.participants, pk=self.kwargs["participant"], user__isnull=True)

    def success_url(self) -> str:
        return self.detail_url("guest-links")

    def do_renew(self, request) -> str:
        ws.guest_link_renew(participant=self.guest)
        return _("%(name)s has a new personal link; the old one no longer works.") % {"name": self.guest.name}

    def do_revoke(self, request) -> str:
        ws.guest_link_revoke(participant=self.guest)
        return _("The personal link of %(name)s was withdrawn.") % {"name": self.guest.name}


class AgendaAddView(WorkshopPostView):
    form_key, anchor = "agenda", "agenda"

    def post(self, request, *args, **kwargs):
        form = AgendaItemForm(request.POST)
        if not form.is_valid():
            return self.invalid(form)
        try:
            ws.agenda_item_add(workshop=self.workshop, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.invalid(form)
        return self.done(_("Agenda item added."))


class AgendaItemMixin(WorkshopMixin):
    permission_required = EDIT

    @cached_property
    def item(self) -> AgendaItem:
        return get_object_or_404(self.workshop.agenda, pk=self.kwargs["item"])


class AgendaEditView(AgendaItemMixin, FormView):
    template_name = "programmes/workshops/item_form.html"
    form_class = AgendaItemForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.item}

    def form_valid(self, form):
        try:
            ws.agenda_item_update(item=self.item, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect(self.detail_url("agenda"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            workshop=self.workshop, heading=_("Edit agenda item"), back=self.detail_url("agenda"), **kwargs
        )


class AgendaMoveView(AgendaItemMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            ws.agenda_item_move(item=self.item, direction=request.POST.get("direction", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self.detail_url("agenda"))


class AgendaDeleteView(AgendaItemMixin, View):
    def post(self, request, *args, **kwargs):
        ws.agenda_item_delete(item=self.item)
        messages.success(request, _("Agenda item removed."))
        return redirect(self.detail_url("agenda"))


class OutputAddView(WorkshopPostView):
    form_key, anchor = "output", "outputs"

    def post(self, request, *args, **kwargs):
        form = OutputForm(request.POST, workshop=self.workshop)
        if not form.is_valid():
            return self.invalid(form)
        try:
            output = ws.output_add(workshop=self.workshop, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.invalid(form)
        return self.done(_("%(kind)s captured.") % {"kind": output.get_kind_display().capitalize()})


class SubjectsAddView(WorkshopPostView):
    """Put objects of the programme (measures) to the vote next to the ideas."""

    form_key, anchor = "subjects", "subjects"

    def post(self, request, *args, **kwargs):
        taken = _taken_subjects(self.workshop.outputs.filter(kind=WorkshopOutput.Kind.SUBJECT))
        form = SubjectsForm(request.POST, programme=self.programme, taken=taken)
        if not form.is_valid():
            return self.invalid(form)
        added = 0
        for kind, ids in form.chosen():
            try:
                added += len(ws.subjects_put_to_vote(workshop=self.workshop, kind=kind, ids=ids))
            except ValidationError as error:  # e.g. put to the vote by someone else a moment ago
                form.add_error(kind, error.messages)
                return self.invalid(form)
        return self.done(
            ngettext("%(count)s item put to the vote.", "%(count)s items put to the vote.", added)
            % {"count": added}
        )


class OutputMixin(WorkshopMixin):
    permission_required = EDIT
    # True: an object of the programme put to the vote answers 404. It is neither edited (its title comes from
    # the programme) nor converted (it already is an object of the programme); it is only taken off the vote.
    captured_only = False

    @cached_property
    def output(self) -> WorkshopOutput:
        outputs = self.workshop.outputs.all()
        if self.captured_only:
            outputs = outputs.exclude(kind=WorkshopOutput.Kind.SUBJECT)
        return get_object_or_404(outputs, pk=self.kwargs["output"])


class OutputEditView(OutputMixin, FormView):
    template_name = "programmes/workshops/item_form.html"
    form_class = OutputForm
    captured_only = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.output, "workshop": self.workshop}

    def form_valid(self, form):
        try:
            ws.output_update(output=self.output, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect(self.detail_url("outputs"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            workshop=self.workshop, heading=_("Edit output"), back=self.detail_url("outputs"), **kwargs
        )


class OutputDeleteView(OutputMixin, View):
    def post(self, request, *args, **kwargs):
        ws.output_delete(output=self.output)
        if self.output.kind == WorkshopOutput.Kind.SUBJECT:
            messages.success(request, _("Taken off the vote, with its dots."))
            return redirect(self.detail_url("subjects"))
        messages.success(request, _("Output removed."))
        return redirect(self.detail_url("outputs"))


class OutputConvertView(OutputMixin, FormView):
    """Turn an output into a finding, measure or milestone (one click, plus what the target needs)."""

    template_name = "programmes/workshops/convert.html"
    form_class = ConversionForm
    captured_only = True

    @cached_property
    def conversion(self):
        conversion = ws.workshop_conversions.get(self.kwargs["kind"])
        if conversion is None:
            raise Http404
        return conversion

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "conversion": self.conversion,
            "programme": self.programme,
            "output": self.output,
        }

    def get(self, request, *args, **kwargs):
        if self.output.converted_kind and ws.conversion_target_exists(self.output):
            messages.info(request, _("This output has already been converted."))
            return redirect(self.detail_url("outputs"))
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            ws.output_convert(
                output=self.output, kind=self.conversion.kind, user=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The output became a %(kind)s; the link is kept.") % {"kind": self.conversion.label},
        )
        return redirect(self.detail_url("outputs"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            workshop=self.workshop, output=self.output, conversion=self.conversion, **kwargs
        )


class OutputTargetView(WorkshopMixin, View):
    """The link an output keeps to what it became: answers with a redirect to that object's page."""

    def get(self, request, *args, **kwargs):
        output = get_object_or_404(self.workshop.outputs, pk=kwargs["output"])
        url = ws.output_target_url(output)
        if url:
            return redirect(url)
        if not output.converted_kind:
            raise Http404
        # An old bookmark of an object deleted since: say so on the workshop instead of a dead end.
        messages.info(
            request,
            _("What this output became (%(kind)s) has been deleted; the output can be converted again.")
            % {"kind": ws.workshop_conversions.label(output.converted_kind)},
        )
        return redirect(self.detail_url(f"output-{output.pk}"))


# --- Voting ---------------------------------------------------------------------------------------------------


class VotingToggleView(WorkshopMixin, View):
    permission_required = EDIT

    def post(self, request, *args, **kwargs):
        opened = request.POST.get("open") == "1"
        ws.workshop_set_voting(workshop=self.workshop, open=opened)
        messages.success(request, _("Voting is open.") if opened else _("Voting is closed."))
        return redirect(self.detail_url("voting"))


class VotesResetView(WorkshopMixin, View):
    """Take every dot off again (e.g. before giving fewer dots per participant)."""

    permission_required = EDIT

    def post(self, request, *args, **kwargs):
        removed = ws.workshop_reset_votes(workshop=self.workshop)
        messages.success(
            request,
            ngettext(
                "The vote was reset: %(count)s dot was taken off.",
                "The vote was reset: %(count)s dots were taken off.",
                removed,
            )
            % {"count": removed},
        )
        return redirect(self.detail_url("voting"))


def _vote(request, participant: WorkshopParticipant, workshop: Workshop) -> str | None:
    """Place or remove one dot as asked in the POST data; returns an error message or None."""
    output_id = parse_id(request.POST.get("output"))
    output = WorkshopOutput.objects.filter(pk=output_id).first() if output_id else None
    if output is None:
        return _("This output no longer exists.")
    try:
        if request.POST.get("action") == "remove":
            ws.vote_remove(participant=participant, output=output)
        else:
            ws.vote_cast(participant=participant, output=output)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


class VoteView(WorkshopMixin, View):
    """A signed-in participant places or removes one of their own dots (never someone else's)."""

    def post(self, request, *args, **kwargs):
        participant = ws.participant_for_user(workshop=self.workshop, user=request.user, create=True)
        if participant is None:
            raise PermissionDenied
        error = _vote(request, participant, self.workshop)
        if request.htmx:
            context = workshop_page_context(
                self.workshop,
                participant=participant,
                can_edit=request.user.has_perm(EDIT, self.programme),
            )
            context.update(
                programme=self.programme,
                vote_url=request.path,
                results_url=self.results_url(),
                may_vote=True,
                vote_error=error,
            )
            return render(request, "programmes/workshops/_vote_response.html", context)
        if error:
            messages.error(request, error)
        return redirect(self.detail_url("voting"))

    def results_url(self):
        return self.w_url("workshop_results", pk=self.workshop.pk)


class ResultsPartialView(WorkshopMixin, View):
    """The results panel alone; the run page polls it every two seconds (htmx) while it is open."""

    def get(self, request, *args, **kwargs):
        context = workshop_page_context(self.workshop)
        context.update(programme=self.programme, results_url=request.path)
        response = render(request, "programmes/workshops/_results.html", context)
        response["Cache-Control"] = "no-store"
        return response


# --- Minutes and calendar -------------------------------------------------------------------------------------


class MinutesView(WorkshopMixin, TemplateView):
    template_name = "programmes/workshops/minutes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(workshop_page_context(self.workshop))
        agenda = list(self.workshop.agenda.all())
        context.update(
            agenda=agenda,
            agenda_minutes=sum(item.minutes for item in agenda),
            pdf_available=ws.pdf_available(),
            converted=[o for o in context["outputs"] if o.is_converted],
            for_pdf=False,
        )
        return context


class MinutesPdfView(MinutesView):
    def get(self, request, *args, **kwargs):
        if not ws.pdf_available():
            raise Http404
        context = self.get_context_data(**kwargs)
        context["for_pdf"] = True
        html = render_to_string("programmes/workshops/minutes_pdf.html", context, request=request)
        response = HttpResponse(ws.html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="workshop-{self.workshop.pk}-minutes.pdf"'
        return response


def ics_response(workshop: Workshop, body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="workshop-{workshop.pk}.ics"'
    return response


class IcsView(WorkshopMixin, View):
    """The calendar file. Those who run the workshop get an invitation naming the participants with an account
    (their e-mail addresses are for them only); everybody else a plain calendar entry."""

    def get(self, request, *args, **kwargs):
        workshop = self.workshop
        can_edit = request.user.has_perm(EDIT, self.programme)
        body = ws.workshop_ics(
            workshop,
            agenda=list(workshop.agenda.all()),
            attendees=list(workshop.participants.filter(user__isnull=False)) if can_edit else [],
            url=request.build_absolute_uri(self.detail_url()),
        )
        return ics_response(workshop, body)


# --- Guests' personal link (public, no account) ---------------------------------------------------------------


class GuestMixin:
    """Resolves the token; an unknown link answers 404, an expired or withdrawn one 410 — both with a page that
    says so, and nothing can be voted through it."""

    def dispatch(self, request, *args, **kwargs):
        link = ws.guest_link_resolve(kwargs["token"])
        if not link.usable:
            return self.invalid_link(request, link)
        self.participant = link.participant
        return super().dispatch(request, *args, **kwargs)

    def invalid_link(self, request, link: ws.GuestLink):
        status = 404 if link.state == ws.GuestLinkState.UNKNOWN else 410
        response = render(
            request,
            "programmes/workshops/guest_link_invalid.html",
            {"state": link.state, "workshop": link.participant.workshop if link.participant else None},
            status=status,
        )
        if request.htmx:
            response["HX-Refresh"] = (
                "true"  # an open guest page reloads and shows why the link stopped working
            )
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response

    def context(self, request) -> dict:
        participant = self.participant
        workshop = participant.workshop
        context = workshop_page_context(workshop, participant=participant, public=True)
        token = self.kwargs["token"]
        context.update(
            guest=participant,
            ics_url=reverse("workshop_public:guest_ics", kwargs={"token": token}),
            programme=workshop.programme,
            agenda=list(workshop.agenda.all()),
            vote_url=reverse("workshop_public:guest", kwargs={"token": self.kwargs["token"]}),
            results_url=reverse("workshop_public:guest_results", kwargs={"token": self.kwargs["token"]}),
            link_expires_at=ws.guest_link_expires_at(workshop),
            public=True,
            may_vote=True,
        )
        return context


class GuestVoteView(GuestMixin, View):
    """A guest's page: the agenda, their dots and the live results; posting places or removes a dot."""

    def get(self, request, *args, **kwargs):
        response = render(request, "programmes/workshops/guest.html", self.context(request))
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response

    def post(self, request, *args, **kwargs):
        participant = self.participant
        error = _vote(request, participant, participant.workshop)
        if request.htmx:
            context = {**self.context(request), "vote_error": error}
            return render(request, "programmes/workshops/_vote_response.html", context)
        if error:
            messages.error(request, error)
        return redirect(reverse("workshop_public:guest", kwargs={"token": kwargs["token"]}) + "#voting")


class GuestResultsView(GuestMixin, View):
    def get(self, request, *args, **kwargs):
        context = self.context(request)
        response = render(request, "programmes/workshops/_results.html", context)
        response["Cache-Control"] = "no-store"
        return response


class GuestIcsView(GuestMixin, View):
    """The guest's calendar entry, from their personal link and only while it works (the same UID and SEQUENCE
    as everybody's, so a moved workshop moves in the guest's calendar too; no other participant named)."""

    def get(self, request, *args, **kwargs):
        workshop = self.participant.workshop
        page = reverse("workshop_public:guest", kwargs={"token": kwargs["token"]})
        body = ws.workshop_ics(
            workshop, agenda=list(workshop.agenda.all()), url=request.build_absolute_uri(page)
        )
        response = ics_response(workshop, body)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
