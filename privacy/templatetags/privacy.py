"""Links of the privacy app on the other apps' pages, for network managers only.

`{% history_link object %}` on a detail page; `{% personal_data_actions contact %}` on
the contact page. They read the `is_network_manager` flag of the roles context
processor, so they cost no query.
"""

from django import template

from privacy import audit, permissions

register = template.Library()


def _is_manager(context) -> bool:
    if "is_network_manager" in context:
        return bool(context["is_network_manager"])
    request = context.get("request")
    return request is not None and permissions.can_read_history(request.user)


@register.inclusion_tag("privacy/_history_link.html", takes_context=True)
def history_link(context, obj):
    show = obj is not None and _is_manager(context) and audit.is_audited(type(obj))
    return {
        "show": show,
        "app_label": obj._meta.app_label if show else "",
        "model": obj._meta.model_name if show else "",
        "pk": obj.pk if show else None,
    }


@register.inclusion_tag("privacy/_contact_actions.html", takes_context=True)
def personal_data_actions(context, contact):
    return {"show": _is_manager(context), "contact": contact}
