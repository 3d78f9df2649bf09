"""The translation memory: the SQLite store, TMX files, and lookups while translating."""
