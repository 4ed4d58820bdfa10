"""Template helpers for the KERN UX markup: widget classes and ARIA wiring for form fields."""

from django import forms, template

register = template.Library()

INPUT_CLASS = "kern-form-input__input"


@register.filter
def widget_kind(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.simple_tag
def kern_widget(bound_field):
    """Render the field's widget with KERN classes, aria-invalid and aria-describedby for hint and error."""
    kind = widget_kind(bound_field)
    attrs = {}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_hint")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if kind == "select":
        attrs["class"] = "kern-form-input__select" + (
            " kern-form-input__select--error" if bound_field.errors else ""
        )
    elif kind == "checkbox":
        attrs["class"] = "kern-form-check__checkbox" + (
            " kern-form-check__checkbox--error" if bound_field.errors else ""
        )
    elif kind == "input":
        attrs["class"] = INPUT_CLASS + (f" {INPUT_CLASS}--error" if bound_field.errors else "")
    if str(bound_field.field.widget.attrs.get("placeholder", "")) == str(bound_field.label):
        # allauth repeats the label as placeholder; next to a visible label it only looks like a value.
        attrs["placeholder"] = False
    existing = bound_field.field.widget.attrs.get("class")
    if existing and "class" in attrs:
        attrs["class"] = f"{attrs['class']} {existing}"
    return bound_field.as_widget(attrs=attrs)


@register.filter
def phase_badge_class(phase: str) -> str:
    return {
        "evaluation": "kern-badge--info",
        "konzeption": "kern-badge--warning",
        "transformation": "kern-badge--success",
    }.get(phase, "kern-badge--info")
