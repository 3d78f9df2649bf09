"""Writes corpus.tsv: templated Dutch-English sentence pairs for training a tiny test model.

Run `python tests/data/make_corpus.py` to regenerate; the output is committed.
"""

import random
from pathlib import Path

SUBJECTS = [
    ("De AIVD", "The AIVD"),
    ("De MIVD", "The MIVD"),
    ("De dienst", "The service"),
    ("De minister", "The minister"),
    ("Het kabinet", "The cabinet"),
    ("De NCTV", "The NCTV"),
    ("De regering", "The government"),
    ("De politie", "The police"),
    ("Het team", "The team"),
]
PLURAL_SUBJECTS = [
    ("De diensten", "The services"),
    ("De ministers", "The ministers"),
    ("De inlichtingendiensten", "The intelligence services"),
    ("De teams", "The teams"),
]
VERBS = [  # (singular, plural, English singular, English plural)
    ("onderzoekt", "onderzoeken", "investigates", "investigate"),
    ("beschrijft", "beschrijven", "describes", "describe"),
    ("bespreekt", "bespreken", "discusses", "discuss"),
    ("volgt", "volgen", "follows", "follow"),
    ("deelt", "delen", "shares", "share"),
    ("analyseert", "analyseren", "analyses", "analyse"),
    ("meldt", "melden", "reports", "report"),
]
OBJECTS = [
    ("de dreiging", "the threat"),
    ("het rapport", "the report"),
    ("de informatie", "the information"),
    ("het dreigingsniveau", "the threat"),
    ("de ontwikkelingen", "the developments"),
    ("de samenwerking", "the cooperation"),
    ("het onderzoek", "the investigation"),
    ("de inlichtingen", "the intelligence"),
    ("de risico's", "the risks"),
    ("het jaarverslag", "the annual report"),
    ("het niveau", "the level"),
    ("het dossier", "the dossier"),
    ("de wet", "the act"),
]
TAILS = [
    ("", ""),
    (" in Nederland", " in the Netherlands"),
    (" in 2014", " in 2014"),
    (" opnieuw", " again"),
    (" met de politie", " with the police"),
]


def pairs(count: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    seen: set[str] = set()
    out = []
    while len(out) < count:
        plural = rng.random() < 0.3
        nl_subj, en_subj = rng.choice(PLURAL_SUBJECTS if plural else SUBJECTS)
        sing, plur, en_sing, en_plur = rng.choice(VERBS)
        nl_obj, en_obj = rng.choice(OBJECTS)
        nl_tail, en_tail = rng.choice(TAILS)
        nl = f"{nl_subj} {plur if plural else sing} {nl_obj}{nl_tail}."
        en = f"{en_subj} {en_plur if plural else en_sing} {en_obj}{en_tail}."
        if nl not in seen:
            seen.add(nl)
            out.append((nl, en))
    return out


if __name__ == "__main__":
    target = Path(__file__).with_name("corpus.tsv")
    target.write_text("".join(f"{nl}\t{en}\n" for nl, en in pairs(400)), encoding="utf-8")
