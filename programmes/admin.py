from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Invitation, Membership, Organisation, PhaseTransition, Programme, Stakeholder


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "kind", "region", "size_class"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["admins"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "phase", "cycle", "status"]
    list_filter = ["phase", "status", "organisation"]
    search_fields = ["title", "slug"]
    inlines = [MembershipInline]
    readonly_fields = ["phase", "cycle"]


@admin.register(Stakeholder)
class StakeholderAdmin(SimpleHistoryAdmin):
    list_display = ["name", "programme", "group", "influence", "interest"]
    list_filter = ["group"]
    search_fields = ["name", "organisation_name"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "programme", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    readonly_fields = ["token_hash"]


@admin.register(PhaseTransition)
class PhaseTransitionAdmin(admin.ModelAdmin):
    list_display = ["programme", "from_phase", "to_phase", "cycle", "decided_by", "decided_at", "overridden"]
    readonly_fields = [f.name for f in PhaseTransition._meta.fields]
