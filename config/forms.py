from django.forms.renderers import TemplatesSetting


class KernFormRenderer(TemplatesSetting):
    """Renders every form with the KERN UX markup of templates/components/forms/."""

    form_template_name = "components/forms/form.html"
    field_template_name = "components/forms/field.html"
