"""Who may do what in a programme. One predicate module for the hub; later apps reuse these predicates.

Roles (strongest first): organisation admin ("admin"), lead, member, stakeholder. A user without any role
does not see the programme at all (views answer 404, not 403).
"""

import rules

from .models import Role

ADMIN = "admin"
# The permissions the apps' views and API check most often.
EDIT = "programmes.edit_content"  # members, leads and admins change the programme's content
LEAD = "programmes.change_programme"  # leads and admins
ROLE_RANK = {ADMIN: 4, Role.LEAD: 3, Role.MEMBER: 2, Role.STAKEHOLDER: 1}


def effective_role(user, programme) -> str | None:
    """The strongest role the user holds in the programme; cached on the programme instance per user."""
    if user is None or not user.is_authenticated or programme is None:
        return None
    cache = programme.__dict__.setdefault("_role_cache", {})
    if user.pk not in cache:
        annotated = getattr(programme, "user_role", "__unset__")
        is_admin_annotated = getattr(programme, "user_is_org_admin", None)
        if annotated != "__unset__" and is_admin_annotated is not None:
            role = ADMIN if is_admin_annotated else annotated
        elif programme.organisation.admins.filter(pk=user.pk).exists():
            role = ADMIN
        else:
            role = programme.memberships.filter(user=user).values_list("role", flat=True).first()
        cache[user.pk] = role
    return cache[user.pk]


def _at_least(minimum: str):
    @rules.predicate(name=f"at_least_{minimum}")
    def predicate(user, programme) -> bool:
        role = effective_role(user, programme)
        return role is not None and ROLE_RANK[role] >= ROLE_RANK[minimum]

    return predicate


can_view = _at_least(Role.STAKEHOLDER)
is_contributor = _at_least(Role.MEMBER)
is_lead = _at_least(Role.LEAD)


@rules.predicate
def is_org_admin(user, organisation) -> bool:
    if not user.is_authenticated or organisation is None:
        return False
    return organisation.admins.filter(pk=user.pk).exists()


rules.add_perm("programmes.view_programme", can_view)
rules.add_perm("programmes.change_programme", is_lead)
rules.add_perm("programmes.transition_programme", is_lead)
rules.add_perm("programmes.manage_members", is_lead)
rules.add_perm("programmes.view_members", can_view)
rules.add_perm("programmes.edit_content", is_contributor)
rules.add_perm("programmes.view_stakeholders", can_view)
rules.add_perm("programmes.change_stakeholders", is_contributor)
rules.add_perm("programmes.add_programme_to", is_org_admin)
rules.add_perm("programmes.change_organisation", is_org_admin)
