"""HTML in /translate (``format=html``): the documents' own HTML reader and writer
(`vertaal.documents.html`), so a page or fragment comes back as the CLI writes it."""

from __future__ import annotations

from typing import Any


def translate_html(translator: Any, text: str) -> tuple[str, list[Any]]:
    """`text` (a fragment or a whole page) translated with every tag kept, and the statuses of
    the glossary's terms in it (as for text)."""
    from .. import documents
    from ..documents.html import HtmlDocument

    page = HtmlDocument.from_text(text)
    result, translated = documents.translate(translator, page)
    terms = [term for sentence in result.sentences for term in sentence.terms or []]
    return page.serialise(translated, translator.pair[1]), terms
