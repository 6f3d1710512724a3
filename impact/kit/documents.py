"""The kit's printed documents: a questionnaire per wave and the one-page instruction for the coordinator.

HTML from the kit's Jinja templates (``impact/kit/templates``, on the reports' environment and stylesheet:
:func:`impact.reporting.publish.environment`, ``report.css``), rendered to PDF by
:func:`impact.reporting.render.pdf_bytes` with the packaged report font: same arguments, same bytes.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from jinja2 import ChoiceLoader, Environment, PackageLoader

from impact.language import Translator
from impact.reporting.publish import AUTHOR, environment
from impact.reporting.render import pdf_bytes


@lru_cache(maxsize=1)
def kit_environment() -> Environment:
    """The reports' Jinja environment, finding the kit's templates first and the reports' (``report.css``) after."""
    env = environment()
    env.loader = ChoiceLoader([PackageLoader("impact.kit"), env.loader])
    return env


def render_html(template: str, **context) -> str:
    return kit_environment().get_template(template).render(**context)


def pdf(html: str, *, title: str, created: dt.date, tr: Translator) -> bytes:
    return pdf_bytes(html, title=title, author=AUTHOR, created=created, language=tr.language)
