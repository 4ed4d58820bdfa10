from rest_framework import serializers

from ..models import Invitation, Membership, Organisation, PhaseTransition, Programme, Role, Stakeholder


def visible_programmes(serializer):
    """The programmes the requesting user may see: the choices of a serializer's programme field."""
    from ..selectors import programmes_visible_to

    return programmes_visible_to(serializer.context["request"].user)


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "slug", "kind", "region", "size_class", "created_at"]
        read_only_fields = ["id", "created_at"]


class ProgrammeSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    slug = serializers.SlugField(max_length=80, required=False, allow_blank=True)
    target_groups = serializers.ListField(child=serializers.CharField(max_length=80), required=False)
    citizen_drivers = serializers.ListField(child=serializers.CharField(max_length=80), required=False)
    action_fields = serializers.ListField(child=serializers.CharField(max_length=80), required=False)
    budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    role = serializers.SerializerMethodField(help_text="The requesting user's role in the programme.")

    class Meta:
        model = Programme
        fields = [
            "id",
            "organisation",
            "title",
            "slug",
            "summary",
            "vision",
            "strategy",
            "target_groups",
            "citizen_drivers",
            "action_fields",
            "start_date",
            "end_date",
            "budget",
            "phase",
            "cycle",
            "status",
            "role",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "phase", "cycle", "role", "created_at", "updated_at"]
        # The short name (empty: it follows the title), its uniqueness and the dates are checked by the service
        # (programme_create/programme_update), which answers with field errors.
        validators: list = []

    def get_role(self, programme) -> str | None:
        from ..rules import effective_role

        return effective_role(self.context["request"].user, programme)

    def get_fields(self):
        fields = super().get_fields()
        from ..selectors import organisations_administered_by

        if isinstance(self.instance, Programme):
            fields["organisation"].read_only = True
        elif "request" in self.context:
            fields["organisation"].queryset = organisations_administered_by(self.context["request"].user)
        return fields


class TransitionSerializer(serializers.Serializer):
    rationale = serializers.CharField(help_text="Why the programme moves on; stays on record.")
    override = serializers.BooleanField(default=False, help_text="Override unmet gate criteria.")


class CriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField()
    detail = serializers.CharField()
    url = serializers.CharField()


class PhaseTransitionSerializer(serializers.ModelSerializer):
    decided_by = serializers.StringRelatedField()
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = PhaseTransition
        fields = [
            "id",
            "from_phase",
            "to_phase",
            "cycle",
            "decided_by",
            "decided_at",
            "rationale",
            "overridden",
            "criteria",
        ]


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "role", "joined_at"]
        read_only_fields = ["id", "email", "name", "joined_at"]


class InvitationSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices)
    state = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "state", "created_at", "expires_at", "accepted_at", "revoked_at"]
        read_only_fields = ["id", "state", "created_at", "expires_at", "accepted_at", "revoked_at"]


class StakeholderSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    influence = serializers.IntegerField(min_value=1, max_value=5)
    interest = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = Stakeholder
        fields = [
            "id",
            "programme",
            "name",
            "group",
            "organisation_name",
            "contact",
            "influence",
            "interest",
            "engagement_notes",
            "last_engaged_on",
        ]
        read_only_fields = ["id"]

    def get_fields(self):
        fields = super().get_fields()
        from ..selectors import programmes_visible_to

        if isinstance(self.instance, Stakeholder):
            fields["programme"].read_only = True
        elif "request" in self.context:
            fields["programme"].queryset = programmes_visible_to(self.context["request"].user)
        return fields
