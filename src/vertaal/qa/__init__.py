"""Quality checks of a translation (terms, numbers, consistency) and their reports."""
