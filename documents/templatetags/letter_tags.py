"""{% letter_choices referral as choices %}: the letters the user may start on the case (no
query: the user's roles are cached by teams.scoping)."""

from django import template

from documents import letter_services, letters

register = template.Library()


@register.simple_tag(takes_context=True)
def letter_choices(context, referral) -> list[tuple[str, str]]:
    user = context["request"].user
    return [
        (kind, letters.spec_for(kind).title_nb)
        for kind in letter_services.writable_kinds(user, referral)
    ]
