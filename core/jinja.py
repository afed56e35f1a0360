"""The Jinja2 environment of the hot lists' rows (settings.TEMPLATES' second engine).

Only the rows of the caseloads, the worklist and the dashboard tables are Jinja templates
(templates/jinja2/): Django's engine cost about 0.5 ms a row there (bench/README.md). Each
template is compiled once and kept (Jinja's cache; no reload outside DEBUG); autoescape is on,
and Django's SafeStrings (the deadline badge) pass through as they do in Django templates.
"""

from django.utils import translation
from django.utils.safestring import mark_safe
from jinja2 import Environment


def environment(**options) -> Environment:
    options.pop("autoescape", None)  # always on, whatever settings say
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    # The i18n extension's {% trans %} and _() read Django's catalogues (the active language).
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True)
    return env


def render_safe(template, **context) -> str:
    """A template of templates/jinja2/ (a name, or a compiled jinja2.Template) rendered for a
    Django template tag ({% caseload_rows %}…): the raw jinja2.Template (Django's wrapper would
    build a request context per call, and the rows need none), its output marked safe for
    Django because Jinja escaped every value."""
    from django.template import engines  # the engines are built from settings on first use

    if isinstance(template, str):
        template = engines["jinja2"].get_template(template).template
    # markupsafe writes ' and " as &#39; and &#34;, Django as &#x27; and &quot;: the same
    # characters to every reader; this keeps the rows the same bytes in both engines.
    html = template.render(context).replace("&#39;", "&#x27;").replace("&#34;", "&quot;")
    return mark_safe(html)  # noqa: S308 (autoescape on: every value escaped by Jinja)
