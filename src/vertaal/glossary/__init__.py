"""Glossaries: the SQLite store, file formats (TSV, CSV, TBX), import, scan and cached matchers."""

DEFAULT_GLOSSARY = "default"
