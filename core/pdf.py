"""A page rendered as PDF (WeasyPrint), for what is handed to people on paper.

The HTML is the site's own template with its styles inline: nothing is fetched while
rendering (no network, no files), so user text cannot make the renderer reach anything.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"PDF rendering fetches nothing: {url}")


def pdf_render(*, template: str, context: dict, request=None) -> bytes:
    """The template rendered to a PDF document."""
    from weasyprint import HTML  # imported when used: it loads Pango

    html = render_to_string(template, context, request=request)
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()


def pdf_response(*, template: str, context: dict, filename: str, request=None) -> HttpResponse:
    """A PDF download of the template. Kept out of caches: it holds personal data."""
    response = HttpResponse(
        pdf_render(template=template, context=context, request=request),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
