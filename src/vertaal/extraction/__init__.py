"""Term extraction: candidate glossary terms from the user's own texts, ranked by termhood, with
targets proposed from their own translations.

The phases, each a module:

* :mod:`.sources`: what was given (files, folders, globs, a TMX, XLIFF or PO file, the memory,
  a document and its translation) as a stream of segments, each with its target when known;
* :mod:`.language_rules`: each source language's lists and rules (Dutch, English);
* :mod:`.phrases`: tokens, and the candidate phrases and compounds of a sentence;
* :mod:`.abbreviations`: abbreviations paired with their written-out forms (Schwartz & Hearst);
* :mod:`.termhood`: counting in bounded memory, grouping inflected variants, scoring against
  the language at large (wordfreq);
* :mod:`.targets`: a target for each candidate from co-occurrence over segment pairs (Dice), or
  the model's translation as a marked fallback;
* :mod:`.candidates`: the :class:`Candidate` record and its files (JSONL, TSV, TBX);
* :mod:`.review`: turning reviewed candidates into glossary entries, imported with history.

:func:`vertaal.extraction.extract.extract` runs them in order.
"""
