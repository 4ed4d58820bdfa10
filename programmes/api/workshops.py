"""API: workshops, agenda items, participants, outputs, dot votes, results and conversions.

``/api/v1/workshops/`` (filter ``programme``, ``phase``) with the actions ``votes``, ``votes/remove``,
``votes/reset``, ``results``, ``voting`` and ``agenda/reorder``; nested under ``/api/v1/workshops/{workshop_pk}/``:
``agenda-items/``, ``participants/`` (with ``renew-link`` and ``revoke-link``) and ``outputs/`` (with
``convert``, and ``put-to-vote`` for measures of the programme). Every role of the programme reads;
leads and members write. Services enforce the voting rules, so the API and the pages behave the same.
"""

from datetime import datetime

import django_filters
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import include, path, reverse
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

import config.converters  # noqa: F401  (registers the "id" converter)

from .. import workshops as ws
from ..forms_workshops import ConversionForm
from ..models import AgendaItem, Phase, Programme, Workshop, WorkshopOutput, WorkshopParticipant
from ..rules import EDIT
from ..selectors import programmes_visible_to
from .views import BoundedLookupMixin, IdFilter, require

# --- Serializers ----------------------------------------------------------------------------------------------


class AgendaItemSerializer(serializers.ModelSerializer):
    minutes = serializers.IntegerField(min_value=1, max_value=600)

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "title", "minutes", "notes"]
        read_only_fields = ["id", "position"]


class WorkshopSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    template = serializers.ChoiceField(
        choices=[("", "")] + [(key, key) for key in ws.TEMPLATES],
        required=False,
        allow_blank=True,
        help_text="On creation: a template key (e_visitor_needs, k_journey_walk, t_retrospective) that fills "
        "phase, title and agenda. Read only afterwards.",
    )
    phase = serializers.ChoiceField(choices=Phase.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)
    ends_at = serializers.DateTimeField(required=False)
    dots_per_participant = serializers.IntegerField(min_value=1, max_value=20, required=False)
    agenda = AgendaItemSerializer(many=True, read_only=True)
    participant_count = serializers.IntegerField(read_only=True)
    output_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Workshop
        fields = [
            "id",
            "programme",
            "phase",
            "cycle",
            "template",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "facilitator",
            "description",
            "dots_per_participant",
            "anonymous_voting",
            "anonymity_locked",
            "voting_open",
            "calendar_sequence",
            "agenda",
            "participant_count",
            "output_count",
            "created_at",
        ]
        read_only_fields = ["id", "cycle", "anonymity_locked", "calendar_sequence", "created_at"]
        extra_kwargs = {
            "anonymous_voting": {
                "help_text": "Results show only the dots per output. Cannot be switched off once dots were placed "
                "anonymously (see anonymity_locked); switching it on is always possible."
            },
            "anonymity_locked": {
                "help_text": "True once a dot was placed while the voting was anonymous: it stays anonymous."
            },
            "calendar_sequence": {
                "help_text": "The .ics SEQUENCE: rises by one whenever the date, the time or the place changes."
            },
        }

    def get_fields(self):
        fields = super().get_fields()
        if isinstance(self.instance, Workshop):
            fields["programme"].read_only = True
            fields["template"].read_only = True
        elif "request" in self.context:
            fields["programme"].queryset = programmes_visible_to(self.context["request"].user)
        return fields


class WorkshopParticipantSerializer(serializers.ModelSerializer):
    is_guest = serializers.SerializerMethodField()
    guest_link = serializers.SerializerMethodField(
        help_text="The guest's personal voting link (leads and members only; empty for accounts and while the "
        "link is expired or withdrawn)."
    )
    guest_link_state = serializers.SerializerMethodField(
        help_text="active, expired or revoked (withdrawn or replaced); empty for accounts."
    )
    guest_link_expires_at = serializers.SerializerMethodField(
        help_text="When guest links stop working: WORKSHOP_GUEST_LINK_DAYS after the workshop's end (null for "
        "accounts)."
    )
    dots_used = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Dots this participant placed; null when the voting is anonymous (nobody sees who used how many).",
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)

    class Meta:
        model = WorkshopParticipant
        fields = [
            "id",
            "user",
            "name",
            "email",
            "organisation",
            "is_guest",
            "guest_link",
            "guest_link_state",
            "guest_link_expires_at",
            "dots_used",
        ]
        read_only_fields = ["id"]

    def get_fields(self):
        fields = super().get_fields()
        fields["user"].queryset = fields["user"].queryset.none()
        workshop = self.context.get("workshop")
        if workshop is not None:
            from django.contrib.auth import get_user_model

            fields["user"].queryset = get_user_model().objects.filter(
                memberships__programme_id=workshop.programme_id
            )
        if isinstance(self.instance, WorkshopParticipant):
            fields["user"].read_only = True
        fields["user"].required = False
        return fields

    def get_is_guest(self, participant) -> bool:
        return participant.user_id is None

    def _workshop(self, participant) -> Workshop:
        return self.context.get("workshop") or participant.workshop

    def get_guest_link_state(self, participant) -> str:
        if participant.user_id:
            return ""
        return ws.guest_link_state(participant, workshop=self._workshop(participant))

    def get_guest_link_expires_at(self, participant) -> datetime | None:
        if participant.user_id:
            return None
        return serializers.DateTimeField().to_representation(
            ws.guest_link_expires_at(self._workshop(participant))
        )

    def get_guest_link(self, participant) -> str:
        request = self.context.get("request")
        if participant.user_id or not self.context.get("can_edit") or request is None:
            return ""
        if self.get_guest_link_state(participant) != ws.GuestLinkState.ACTIVE:
            return ""
        return request.build_absolute_uri(
            reverse("workshop_public:guest", kwargs={"token": ws.guest_token(participant)})
        )

    def to_representation(self, participant):
        data = super().to_representation(participant)
        if not self.context.get("can_edit"):
            data["email"] = ""  # e-mail addresses only for those who run the workshop
        return data


class WorkshopOutputSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=WorkshopOutput.Kind.choices,
        help_text="idea, decision or action. subject: an object of the programme (a measure) put to the vote; "
        "such outputs are created with put-to-vote, not here.",
    )
    agenda_item = serializers.PrimaryKeyRelatedField(
        queryset=AgendaItem.objects.none(), required=False, allow_null=True
    )
    votable = serializers.BooleanField(
        required=False, allow_null=True, help_text="Default: ideas are open for voting, others not."
    )
    total_dots = serializers.IntegerField(read_only=True)
    converted_url = serializers.SerializerMethodField(
        help_text="The link to what the output became; empty when it was not converted or that was deleted."
    )
    target_deleted = serializers.SerializerMethodField(
        help_text="True when the object the output became has been deleted since: the output can be converted "
        "again (converted_kind and converted_id still say what it was)."
    )
    subject_title = serializers.SerializerMethodField(
        help_text="kind subject: the current title of the object put to the vote (text keeps the title it had)."
    )
    subject_url = serializers.SerializerMethodField(
        help_text="kind subject: the object's page; empty when it was deleted."
    )
    subject_deleted = serializers.SerializerMethodField(
        help_text="kind subject: true when the object was deleted in the programme (no more dots can go on it)."
    )

    class Meta:
        model = WorkshopOutput
        fields = [
            "id",
            "kind",
            "text",
            "agenda_item",
            "owner",
            "due",
            "votable",
            "total_dots",
            "subject_kind",
            "subject_id",
            "subject_title",
            "subject_url",
            "subject_deleted",
            "converted_kind",
            "converted_id",
            "converted_at",
            "converted_url",
            "target_deleted",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "subject_kind",
            "subject_id",
            "converted_kind",
            "converted_id",
            "converted_at",
            "created_at",
        ]

    def get_fields(self):
        fields = super().get_fields()
        workshop = self.context.get("workshop")
        if workshop is not None:
            fields["agenda_item"].queryset = AgendaItem.objects.filter(workshop=workshop)
        return fields

    def get_target_deleted(self, output) -> bool:
        return output.conversion_target_deleted

    def get_subject_title(self, output) -> str:
        if output.kind != WorkshopOutput.Kind.SUBJECT:
            return ""
        return getattr(output, "subject_title", None) or ""

    def get_subject_url(self, output) -> str:
        if output.kind != WorkshopOutput.Kind.SUBJECT:
            return ""
        return ws.subject_url(output, self.context["workshop"].programme)

    def get_subject_deleted(self, output) -> bool:
        return output.subject_deleted

    def get_converted_url(self, output) -> str:
        """The hub's link to what the output became (it redirects to the object's page)."""
        if not output.is_converted:
            return ""
        workshop = self.context["workshop"]
        return reverse(
            "programmes:workshop_output_target",
            kwargs={**workshop.programme.url_kwargs, "pk": workshop.pk, "output": output.pk},
        )


class WorkshopVoteInputSerializer(serializers.Serializer):
    output = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    dots = serializers.IntegerField(min_value=1, max_value=20, default=1)
    participant = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text="Whose dots. Default: the caller's own participant row (leads and members get one on first "
        "vote). Leads and members may record dots for a guest of the workshop (e.g. paper dots), never for "
        "a participant with an account.",
    )


class WorkshopVoteResultSerializer(serializers.Serializer):
    participant = serializers.IntegerField()
    output = serializers.IntegerField()
    dots = serializers.IntegerField(help_text="The participant's dots on this output now.")
    dots_left = serializers.IntegerField(help_text="The participant's dots not yet placed.")


class WorkshopVoterSerializer(serializers.Serializer):
    participant = serializers.IntegerField()
    name = serializers.CharField()
    dots = serializers.IntegerField()


class WorkshopResultSerializer(serializers.Serializer):
    output = serializers.IntegerField()
    kind = serializers.CharField(
        help_text="idea (or another captured output) or subject (an object of the "
        "programme put to the vote, e.g. a measure)."
    )
    text = serializers.CharField(help_text="For a subject the object's current title.")
    subject_kind = serializers.CharField(help_text="For a subject: what it is (measure); else empty.")
    subject_id = serializers.IntegerField(allow_null=True)
    subject_url = serializers.CharField(
        help_text="For a subject: the object's page; empty when it was deleted."
    )
    subject_deleted = serializers.BooleanField()
    total_dots = serializers.IntegerField()
    voter_count = serializers.IntegerField(
        allow_null=True, help_text="Participants with dots on this output; null when the voting is anonymous."
    )
    voters = WorkshopVoterSerializer(many=True, help_text="Empty when the voting is anonymous.")


class WorkshopResultsSerializer(serializers.Serializer):
    voting_open = serializers.BooleanField()
    anonymous = serializers.BooleanField()
    dots_per_participant = serializers.IntegerField()
    dots_placed = serializers.IntegerField()
    dots_available = serializers.IntegerField(help_text="Participants × dots per participant.")
    participants = serializers.IntegerField(help_text="How many take part.")
    voters = serializers.IntegerField(help_text="How many participants have placed at least one dot.")
    results = WorkshopResultSerializer(many=True)


class WorkshopPutToVoteSerializer(serializers.Serializer):
    subject_kind = serializers.CharField(
        max_length=20, help_text="What is put to the vote, as registered by the phase apps: measure."
    )
    subject_id = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The id of a measure of the workshop's programme."
    )


class WorkshopVotesResetSerializer(serializers.Serializer):
    removed = serializers.IntegerField(help_text="How many dots were taken off.")


class WorkshopConvertInputSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="finding, measure or milestone (as registered by the phase apps).")
    title = serializers.CharField(required=False, help_text="measure: its title (default: the output's text)")
    priority = serializers.ChoiceField(
        choices=["high", "medium", "low"], required=False, help_text="finding: its priority"
    )
    measure = serializers.IntegerField(required=False, help_text="milestone: a measure in implementation")
    start = serializers.DateField(required=False, help_text="milestone: start date")
    due = serializers.DateField(required=False, help_text="milestone: due date")


class WorkshopVotingToggleSerializer(serializers.Serializer):
    open = serializers.BooleanField(help_text="true opens the dot voting, false closes it.")


class WorkshopAgendaOrderSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        help_text="Every agenda item id of the workshop, in the new order.",
    )


class WorkshopConvertResultSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    url = serializers.CharField()


# --- Viewsets -------------------------------------------------------------------------------------------------


class WorkshopFilter(django_filters.FilterSet):
    programme = IdFilter("programme_id")
    phase = django_filters.ChoiceFilter(choices=Phase.choices)

    class Meta:
        model = Workshop
        fields = ["programme", "phase"]


def _workshops_visible_to(user):
    return Workshop.objects.filter(programme__in=programmes_visible_to(user))


class WorkshopViewSet(BoundedLookupMixin, viewsets.ModelViewSet):
    """Workshops of the programmes visible to the user; leads and members create, change and delete them."""

    serializer_class = WorkshopSerializer
    filterset_class = WorkshopFilter
    ordering_fields = ["starts_at", "title"]
    ordering = ["-starts_at"]

    def get_queryset(self):
        return (
            _workshops_visible_to(self.request.user)
            .select_related("programme__organisation")
            .prefetch_related("agenda")
            .annotate(
                participant_count=Count("participants", distinct=True),
                output_count=Count("outputs", distinct=True),
            )
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        require(self.request, EDIT, programme)
        workshop = ws.workshop_create(programme=programme, created_by=self.request.user, **data)
        serializer.instance = self.get_queryset().get(pk=workshop.pk)

    def perform_update(self, serializer):
        require(self.request, EDIT, serializer.instance.programme)
        ws.workshop_update(workshop=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        require(self.request, EDIT, instance.programme)
        ws.workshop_delete(workshop=instance)

    # --- voting

    def _participant(self, workshop, payload) -> WorkshopParticipant:
        user = self.request.user
        participant_id = payload.get("participant")
        if participant_id is None:
            participant = ws.participant_for_user(workshop=workshop, user=user, create=True)
            if participant is None:
                raise PermissionDenied(
                    gettext("You are not a participant of this workshop, so you cannot vote.")
                )
            return participant
        participant = WorkshopParticipant.objects.filter(pk=participant_id, workshop=workshop).first()
        if participant is None:
            raise ValidationError({"participant": [gettext("Not a participant of this workshop.")]})
        if participant.user_id is not None and participant.user_id != user.pk:
            # people with an account place their own dots; nobody spends them on their behalf
            raise PermissionDenied(gettext("People with an account place their own dots."))
        if participant.user_id is None:
            require(self.request, EDIT, workshop.programme)
        return participant

    def _vote(self, request, cast: bool):
        workshop = self.get_object()
        payload = WorkshopVoteInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        participant = self._participant(workshop, data)
        output = WorkshopOutput.objects.filter(pk=data["output"]).first()
        if output is None:
            raise ValidationError({"output": [gettext("This output no longer exists.")]})
        if cast:
            ws.vote_cast(participant=participant, output=output, dots=data["dots"])
        else:
            ws.vote_remove(participant=participant, output=output, dots=data["dots"])
        placed = ws.participant_dots(participant)
        body = {
            "participant": participant.pk,
            "output": output.pk,
            "dots": placed.get(output.pk, 0),
            "dots_left": ws.dots_left(workshop, placed),
        }
        return Response(
            WorkshopVoteResultSerializer(body).data,
            status=status.HTTP_201_CREATED if cast else status.HTTP_200_OK,
        )

    @extend_schema(
        request=WorkshopVoteInputSerializer,
        responses={
            201: WorkshopVoteResultSerializer,
            400: OpenApiResponse(description="Voting closed, not votable, another workshop, no dots left"),
        },
    )
    @action(detail=True, methods=["post"])
    def votes(self, request, pk=None):
        """Place dots on an output (the participant's total never exceeds the workshop's dots)."""
        return self._vote(request, cast=True)

    @extend_schema(request=WorkshopVoteInputSerializer, responses={200: WorkshopVoteResultSerializer})
    @action(detail=True, methods=["post"], url_path="votes/remove")
    def votes_remove(self, request, pk=None):
        """Take dots off an output again while voting is open."""
        return self._vote(request, cast=False)

    @extend_schema(responses=WorkshopResultsSerializer)
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Dots per votable output, summed in the database, most dots first."""
        workshop = self.get_object()
        outputs = list(ws.workshop_results(workshop))
        votes = ws.votes_by_output(workshop)  # empty when anonymous
        progress = ws.voting_progress(workshop, participant_count=workshop.participant_count)
        body = {
            "voting_open": workshop.voting_open,
            "anonymous": workshop.anonymous_voting,
            "dots_per_participant": workshop.dots_per_participant,
            "dots_placed": progress["dots_placed"],
            "dots_available": progress["dots_available"],
            "participants": progress["participant_count"],
            "voters": progress["voters"],
            "results": [
                {
                    "output": output.pk,
                    "kind": output.kind,
                    "text": output.display_text,
                    "subject_kind": output.subject_kind,
                    "subject_id": output.subject_id,
                    "subject_url": ws.subject_url(output, workshop.programme) if output.subject_kind else "",
                    "subject_deleted": output.subject_deleted,
                    "total_dots": output.total_dots,
                    "voter_count": output.voter_count,
                    "voters": [
                        {"participant": v.participant_id, "name": v.participant.name, "dots": v.dots}
                        for v in votes.get(output.pk, [])
                    ],
                }
                for output in outputs
            ],
        }
        return Response(WorkshopResultsSerializer(body).data)

    @extend_schema(request=None, responses=WorkshopVotesResetSerializer)
    @action(detail=True, methods=["post"], url_path="votes/reset")
    def votes_reset(self, request, pk=None):
        """Take every dot of the workshop off again (e.g. before giving fewer dots per participant). An
        anonymous vote stays anonymous."""
        workshop = self.get_object()
        require(request, EDIT, workshop.programme)
        removed = ws.workshop_reset_votes(workshop=workshop)
        return Response(WorkshopVotesResetSerializer({"removed": removed}).data)

    @extend_schema(request=WorkshopVotingToggleSerializer, responses=WorkshopSerializer)
    @action(detail=True, methods=["post"])
    def voting(self, request, pk=None):
        """Open or close the dot voting."""
        workshop = self.get_object()
        require(request, EDIT, workshop.programme)
        payload = WorkshopVotingToggleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ws.workshop_set_voting(workshop=workshop, open=payload.validated_data["open"])
        return Response(self.get_serializer(self.get_queryset().get(pk=workshop.pk)).data)

    @extend_schema(request=WorkshopAgendaOrderSerializer, responses=AgendaItemSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="agenda/reorder")
    def agenda_reorder(self, request, pk=None):
        """Put the agenda in the given order of item ids (every item exactly once)."""
        workshop = self.get_object()
        require(request, EDIT, workshop.programme)
        payload = WorkshopAgendaOrderSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        items = ws.agenda_reorder(workshop=workshop, order=payload.validated_data["order"])
        return Response(AgendaItemSerializer(items, many=True).data)


class WorkshopNestedMixin(BoundedLookupMixin):
    def get_workshop(self) -> Workshop:
        if not hasattr(self, "_workshop"):
            self._workshop = get_object_or_404(
                _workshops_visible_to(self.request.user).select_related("programme__organisation"),
                pk=self.kwargs["workshop_pk"],
            )
        return self._workshop

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        workshop = self.get_workshop()
        context.update(workshop=workshop, can_edit=self.request.user.has_perm(EDIT, workshop.programme))
        return context

    def require_edit(self):
        require(self.request, EDIT, self.get_workshop().programme)


class AgendaItemViewSet(WorkshopNestedMixin, viewsets.ModelViewSet):
    """Agenda items with time boxes, in order."""

    serializer_class = AgendaItemSerializer
    ordering = ["position", "id"]
    ordering_fields = ["position"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AgendaItem.objects.none()
        return AgendaItem.objects.filter(workshop=self.get_workshop())

    def perform_create(self, serializer):
        self.require_edit()
        serializer.instance = ws.agenda_item_add(workshop=self.get_workshop(), **serializer.validated_data)

    def perform_update(self, serializer):
        self.require_edit()
        ws.agenda_item_update(item=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        self.require_edit()
        ws.agenda_item_delete(item=instance)


class ParticipantViewSet(WorkshopNestedMixin, viewsets.ModelViewSet):
    """Participants: people with a role in the programme (``user``) or guests by name."""

    serializer_class = WorkshopParticipantSerializer
    ordering = ["name", "id"]
    ordering_fields = ["name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WorkshopParticipant.objects.none()
        return ws.participants_for(self.get_workshop())

    def perform_create(self, serializer):
        self.require_edit()
        participant = ws.participant_add(workshop=self.get_workshop(), **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=participant.pk)

    def perform_update(self, serializer):
        self.require_edit()
        ws.participant_update(participant=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        self.require_edit()
        ws.participant_remove(participant=instance)

    def _link_action(self, change):
        participant = self.get_object()
        self.require_edit()
        change(participant=participant)
        return Response(self.get_serializer(self.get_queryset().get(pk=participant.pk)).data)

    @extend_schema(
        request=None,
        responses={200: WorkshopParticipantSerializer, 400: OpenApiResponse(description="Not a guest")},
    )
    @action(detail=True, methods=["post"], url_path="renew-link")
    def renew_link(self, request, workshop_pk=None, pk=None):
        """Issue a new personal link for a guest; every older link of theirs stops working at once."""
        return self._link_action(ws.guest_link_renew)

    @extend_schema(
        request=None,
        responses={200: WorkshopParticipantSerializer, 400: OpenApiResponse(description="Not a guest")},
    )
    @action(detail=True, methods=["post"], url_path="revoke-link")
    def revoke_link(self, request, workshop_pk=None, pk=None):
        """Withdraw a guest's personal link (until ``renew-link`` issues a new one); the guest's dots stay."""
        return self._link_action(ws.guest_link_revoke)


class OutputFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=WorkshopOutput.Kind.choices)

    class Meta:
        model = WorkshopOutput
        fields = ["kind", "votable"]


class OutputViewSet(WorkshopNestedMixin, viewsets.ModelViewSet):
    """Ideas, decisions and action items (and measures put to the vote), with their dots; ``convert`` turns one
    into a finding, measure or milestone (once, unless that was deleted since) and keeps the link."""

    serializer_class = WorkshopOutputSerializer
    filterset_class = OutputFilter
    ordering = ["created_at", "id"]
    ordering_fields = ["created_at", "total_dots"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WorkshopOutput.objects.none()
        return ws.outputs_with_dots(self.get_workshop()).order_by("created_at", "id")

    def perform_create(self, serializer):
        self.require_edit()
        output = ws.output_add(workshop=self.get_workshop(), **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=output.pk)

    def perform_update(self, serializer):
        self.require_edit()
        ws.output_update(output=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        self.require_edit()
        ws.output_delete(output=instance)

    @extend_schema(
        request=WorkshopPutToVoteSerializer,
        responses={
            201: WorkshopOutputSerializer,
            400: OpenApiResponse(description="Unknown kind, not of this programme, or already on the vote"),
        },
    )
    @action(detail=False, methods=["post"], url_path="put-to-vote")
    def put_to_vote(self, request, workshop_pk=None):
        """Put an object of the programme (a measure) to the vote next to the ideas: it becomes an output of kind
        ``subject`` that gets dots by the same rules. Take it off the vote again by deleting that output."""
        self.require_edit()
        payload = WorkshopPutToVoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        output = ws.subject_put_to_vote(
            workshop=self.get_workshop(),
            kind=payload.validated_data["subject_kind"],
            object_id=payload.validated_data["subject_id"],
        )
        serializer = self.get_serializer(self.get_queryset().get(pk=output.pk))
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=WorkshopConvertInputSerializer,
        responses={
            201: WorkshopConvertResultSerializer,
            400: OpenApiResponse(
                description="Unknown kind, missing input, already converted (and that still exists), or an "
                "object of the programme put to the vote"
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def convert(self, request, workshop_pk=None, pk=None):
        """Turn the output into a finding, a measure or a milestone; refused when it was converted before and what
        it became still exists."""
        output = self.get_object()
        self.require_edit()
        kind = str(request.data.get("kind", ""))
        conversion = ws.workshop_conversions.get(kind)
        if conversion is None:
            kinds = ", ".join(c.kind for c in ws.workshop_conversions.all())
            raise ValidationError({"kind": [gettext("Choose one of: %(kinds)s.") % {"kinds": kinds}]})
        workshop = self.get_workshop()
        form = ConversionForm(
            data={k: v for k, v in request.data.items() if k != "kind"},
            conversion=conversion,
            programme=workshop.programme,
            output=output,
        )
        if not form.is_valid():
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        target = ws.output_convert(output=output, kind=kind, user=request.user, **form.cleaned_data)
        url = conversion.url(workshop.programme, target.pk) if conversion.url else ""
        return Response(
            WorkshopConvertResultSerializer({"kind": kind, "id": target.pk, "url": url}).data,
            status=status.HTTP_201_CREATED,
        )


def register(router, programme_router) -> None:
    """Add this module's viewsets to the API routers (config/api_router.py calls it)."""
    router.register("workshops", WorkshopViewSet, basename="workshop")


workshop_router = SimpleRouter()
workshop_router.register("agenda-items", AgendaItemViewSet, basename="workshop-agenda-item")
workshop_router.register("participants", ParticipantViewSet, basename="workshop-participant")
workshop_router.register("outputs", OutputViewSet, basename="workshop-output")

urlpatterns: list = [path("workshops/<id:workshop_pk>/", include(workshop_router.urls))]
