"""HTML in /translate (``format=html``): the documents' own HTML reader and writer
(`vertaal.documents.html`), so a page or fragment comes back as the CLI writes it."""

from __future__ import annotations

from typing import Any


def translate_html(translator: Any, text: str) -> str:
    """`text` (a fragment or a whole page) translated with every tag kept."""
    from .. import documents
    from ..documents.html import HtmlDocument

    page = HtmlDocument.from_text(text)
    _, translated = documents.translate(translator, page)
    return page.serialise(translated, translator.pair[1])
