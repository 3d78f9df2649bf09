"""Terms: the glossary entry model, Dutch morphology, the matcher, and when a term is present."""
