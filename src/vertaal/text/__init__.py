"""Text in: reading files, reflowing wrapped lines, and Dutch sentences."""
