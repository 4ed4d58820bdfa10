"""The programme's links in the main navigation: the pages the hub and the phase apps registered."""

from django import template

from ..navigation import programme_pages

register = template.Library()


@register.simple_tag(takes_context=True)
def programme_nav_links(context, programme) -> list:
    """The registered links the signed-in user's role sees, resolved for ``programme``."""
    request = context["request"]
    return programme_pages.nav_links(programme, user=request.user, path=request.path)
