"""The UI's pages: Jinja2 templates (``templates/``, autoescaped) rendered with the CSRF token.

Every page carries the token in ``<body data-csrf>`` and in its forms; a browser without the
cookie gets one with the page (double submit: the cookie and a form field or header must match).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

CSRF_COOKIE, KEY_COOKIE = "vertaal_csrf", "vertaal_key"
TEMPLATES = Path(__file__).parent / "templates"
NAV = [("translate", "Translate"), ("document", "Document"), ("glossary", "Glossary"), ("review", "Review")]
NAV.append(("candidates", "Candidates"))  # glossary terms proposed from the user's own texts

environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
environment.filters["quote"] = lambda value: quote(str(value), safe="")  # a path or query part


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """`template` rendered as a whole page; sets the CSRF cookie when the browser has none."""
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    content = environment.get_template(template).render(csrf=token, nav=NAV, **context)
    response = HTMLResponse(content, status_code=status)
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=False, samesite="strict")
    return response
