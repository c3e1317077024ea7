"""{% spotlight_feature %}: the article of the day, for the home page."""

from django import template
from django.utils import timezone

from circuitcourt.spotlight.services import feature_of_the_day

register = template.Library()


@register.inclusion_tag("spotlight/includes/spotlight_feature.html", takes_context=True)
def spotlight_feature(context):
    return {
        "request": context.get("request"),
        "article": feature_of_the_day(timezone.localdate()),
    }
