"""What term extraction knows of each source language: its function words, the words that join a
name's parts, how its compounds are linked, and the few rules of its morphology that tell a noun
from a verb or an adjective where no part-of-speech tagger is at hand.

Dutch and English are the languages of vertaal's pairs (nl-en, en-nl). The lists are written by
hand: wordfreq's most frequent words also hold nouns that may open a term (jaar, mensen; year,
people), and simplemma's dictionaries say which words exist and their lemmas, not what they are.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..errors import UsageError
from ..terms import dutch, english
from ..text import lexicon


class Language:
    """One source language's lists and rules (see the subclasses)."""

    code = ""
    stop_words: frozenset[str] = frozenset()
    connectors: frozenset[str] = frozenset()  # may join a name's parts, never open or close one
    joins: frozenset[str] = frozenset()  # the runs of connectors that join a name's parts
    coordinators: frozenset[str] = frozenset()  # "en", "and": join only between capitals, or after "x-"
    conjunctions: frozenset[str] = frozenset()  # after a left-open word: "inlichtingen- en ..."
    links: tuple[str, ...] = ("",)  # what may link a compound's parts: gemeente-n-raad, overheid-s-informatie
    adjective_suffixes: tuple[str, ...] = ()  # lower-case words so ending never close a phrase
    stop_phrases: frozenset[str] = frozenset()
    references: re.Pattern[str] = re.compile(r"^$")  # "hierna:", "hereinafter": read past in a bracket
    articles: tuple[str, ...] = ()
    law_words: tuple[str, ...] = ()  # a name ending so may take its year: Archiefwet 1995, Data Act 2023
    title_case = False  # names capitalise each content word: no phrase runs on from two capitals
    verbs_marked = True  # finite verbs are told from nouns by their form (Dutch -t, -d; not English -s)

    def __repr__(self) -> str:
        return f"<{self.code}>"

    def is_known(self, word: str) -> bool:
        return lexicon.is_known(word, self.code)

    def lemma(self, word: str) -> str:
        return lexicon.lemma(word, self.code)

    def base_forms(self, word: str) -> tuple[str, ...]:
        """The uninflected forms `word` may stand for, most likely first (the matcher's rules)."""
        raise NotImplementedError

    def key(self, word: str) -> str:
        """The grouping key of a word: its lemma, lower case."""
        raise NotImplementedError

    def is_verb_form(self, word: str) -> bool:
        """A finite verb or participle, which no term holds."""
        return False

    def is_inflected_adjective(self, word: str) -> bool:
        """An adjective's inflected form, which opens a noun phrase but never closes one."""
        return False

    def is_infinitive(self, word: str) -> bool:
        """A verb's infinitive, which never closes a noun phrase."""
        return False

    def modifies(self, word: str) -> bool:
        """A verb form that may open a noun phrase as its modifier (English "automated", "limited")."""
        return False

    def may_be_verb(self, word: str) -> bool:
        """A word whose form is a noun's and a verb's alike (English "measures", "infringing"),
        where the verb is the likelier: it stands inside no phrase and after no name."""
        return False

    def singular(self, word: str) -> str:
        """A lower-case plural noun's singular by the language's plural endings only (diensten ->
        dienst, services -> service); any other word as it is (betrokken stays, not betrekken)."""
        return word

    def takes_year(self, word: str) -> bool:
        return word.lower().endswith(self.law_words)


class Dutch(Language):
    code = "nl"
    # Function words, auxiliaries, frequent adverbs, ordinals and months.
    stop_words = frozenset(
        """
        de het een der des den 't en of maar want dus noch doch dat die dit deze wat wie welke welk waar
        wanneer waarom hoe hoewel omdat als zoals dan toen terwijl indien mits tenzij zodat opdat nadat
        voordat totdat sinds zowel zij hij ze we wij jij je u uw ik mij me mijn jouw zijn haar hun hen
        ons onze jullie men zich zelf zichzelf elkaar iemand niemand iets niets alles allen iedereen
        van voor op in aan met bij door naar uit over onder tegen tussen tot om na naast binnen buiten
        zonder volgens via vanaf tijdens sinds rond omtrent inzake betreffende wegens ondanks per ter te
        is ben bent was waren wordt worden werd werden geworden zijn zijnde heb hebt heeft hebben had
        hadden kan kunnen kon konden kunt moet moeten moest moesten mag mogen mocht zal zullen zou
        zouden wil willen wilde laat laten gaat gaan ging doet doen deed gedaan komt komen kwam staat
        staan stond ligt liggen geldt gelden blijft blijven blijkt lijkt geeft geven gegeven krijgt
        krijgen maakt maken gemaakt houdt houden gaat betreft betreffen
        niet geen wel ook nog al reeds echter dan toch zo zeer erg heel meer meest minder minst veel
        weinig vaak soms altijd nooit nu hier daar er erin eraan ervan erop erover ermee hierin hierbij
        hiervan hierop hiermee daarin daarbij daarvan daarop daarmee daarom daardoor daarna daarnaast
        daarvoor waarin waarbij waarvan waarop waarmee waardoor waarvoor hierna hiervoor alleen
        slechts even eens weer verder vooral juist namelijk bijvoorbeeld bovendien overigens wellicht
        misschien mogelijk eigenlijk ongeveer circa andere ander anders alle elk elke ieder iedere
        enkele enige sommige veel vele beide zulke zo'n welke zowel zelfs ja nee jl aldus eerst
        eerste tweede derde vierde vijfde zesde zevende achtste negende tiende laatste volgende vorige
        één een twee drie vier vijf zes zeven acht negen tien honderd duizend miljoen miljard
        januari februari maart april mei juni juli augustus september oktober november december
        maandag dinsdag woensdag donderdag vrijdag zaterdag zondag jaar jaren maand week dag dagen
        nieuwe nieuw grote groot kleine klein goed goede belangrijk belangrijke mogelijke
        bepaalde bepaald bepalen onder andere zoveel samen hierna ten aanzien zie pagina artikel lid
        krachtens overeenkomstig ingevolge middels teneinde alsmede respectievelijk eventueel eventuele
        """.split()
    )
    connectors = frozenset("van voor op de het der en in tot inzake betreffende over met ter".split())
    joins = frozenset(
        ("van", "van de", "van het", "voor", "voor de", "voor het", "op de", "op het", "op", "der", "en",
         "in", "in de", "tot", "inzake", "betreffende", "betreffende de", "over", "over de", "met", "ter")
    )  # fmt: skip
    coordinators = frozenset(("en",))
    conjunctions = frozenset(("en", "of", "tot"))
    links = ("s", "en", "e", "")
    adjective_suffixes = ("baar", "bare", "lijk", "lijke", "loos", "loze", "ig", "ige", "isch", "ische",
                          "matig", "matige", "end", "ende")  # fmt: skip
    stop_phrases = frozenset(
        ("eerste plaats", "tweede plaats", "derde plaats", "onder meer", "in het kader", "met name",
         "ten opzichte", "ten behoeve", "in verband", "op grond")
    )  # fmt: skip
    references = re.compile(r"^(?:hierna|verder|afgekort(?: als| tot)?|kortweg)\s*:?\s*", re.IGNORECASE)
    articles = ("de ", "het ", "een ")
    law_words = ("wet",)

    def base_forms(self, word: str) -> tuple[str, ...]:
        return dutch.base_forms(word)

    def key(self, word: str) -> str:
        lower = word.lower()
        if self.is_known(lower):
            return self.lemma(lower).lower()
        forms = dutch.base_forms(lower)
        return forms[0] if forms else lower

    def singular(self, word: str) -> str:
        """The dictionary's lemma where the word is that lemma with a plural ending (-en, -s, -'s,
        -n after -e, with the spelling changes: bommen, jaren, brieven, huizen); "betrokkenen" and
        "betrokken", "leden" and "lijden" stay apart."""
        if not self.is_known(word):
            return word
        lemma = self.lemma(word).lower()
        if lemma == word or len(lemma) < 2:
            return word
        plurals = {lemma + "en", lemma + "s", lemma + "'s", lemma + "n", lemma + lemma[-1] + "en",
                   lemma[:-2] + lemma[-1] + "en", lemma[:-1] + "ven", lemma[:-1] + "zen"}  # fmt: skip
        return lemma if word in plurals else word

    def is_verb_form(self, word: str) -> bool:
        """ "werkt", "geregeld": simplemma's lemma is an infinitive and the word neither a plural
        (-s, -en) nor an inflected adjective (-e); "gebruik" (also a noun) and "verzoek" stay."""
        return _dutch_verb_form(word)

    def is_inflected_adjective(self, word: str) -> bool:
        """ "openbare" (openbaar), "rechterlijke": the -e form of an adjective."""
        return _dutch_inflected_adjective(word)

    def is_infinitive(self, word: str) -> bool:
        """ "hanteren", "verstrekken": an -en word that is its own lemma (a plural noun is not)."""
        lower = word.lower()
        return lower.endswith("en") and self.is_known(lower) and self.lemma(lower).lower() == lower


class English(Language):
    code = "en"
    # Function words, auxiliaries and their forms, frequent verbs and adverbs, numbers, months.
    stop_words = frozenset(
        """
        a an the and or but nor so yet if then than that this these those there here what which who whom
        whose where when why how whether while although though because since unless until as like
        i me my mine we us our ours you your yours he him his she her hers it its they them their theirs
        one ones oneself itself themselves himself herself ourselves yourself yourselves myself
        someone anyone everyone no-one nobody somebody anybody everybody something anything everything
        nothing each every either neither both all any some many much more most less least few fewer
        several such other others another same own
        of for on in to at by with from into onto upon about above below over under between among
        through during before after against without within across along around behind beyond
        towards toward via per regarding concerning including excluding despite except off out up
        down near since till
        is am are was were be been being has have had having do does did done doing will would shall
        should can could may might must ought need needs get gets got gotten make makes made take
        takes took taken give gives gave given go goes went gone come comes came say says said see sees
        saw seen become becomes became keep keeps kept let lets put puts seem seems seemed use uses
        used find finds found show shows showed shown
        not no yes also too very only just even still already again ever never always often sometimes
        now then here there thus therefore however moreover furthermore nevertheless hence indeed
        perhaps possibly probably rather quite almost about approximately around especially
        particularly mainly mostly namely respectively further well else instead otherwise together
        first second third fourth fifth sixth seventh eighth ninth tenth last next previous former
        latter following
        two three four five six seven eight nine ten eleven twelve twenty hundred thousand million
        billion
        january february march april may june july august september october november december
        monday tuesday wednesday thursday friday saturday sunday year years month months week weeks
        day days time times
        new old large small big great good important possible certain various different main
        article section paragraph chapter page annex see e.g i.e etc
        """.split()
    )
    connectors = frozenset("of for on the and in to".split())
    joins = frozenset(
        ("of", "of the", "for", "for the", "on", "on the", "and", "in", "in the", "to", "to the")
    )
    coordinators = frozenset(("and", "to", "to the"))  # "Right to Information"; not "prior to enactment"
    conjunctions = frozenset(("and", "or", "to"))
    links = ("",)
    adjective_suffixes = ("ous", "ful", "able", "ible", "less", "ical", "ional", "ary")
    stop_phrases = frozenset(
        ("first place", "second place", "in particular", "for example", "as well", "in order", "on behalf",
         "with regard", "in accordance", "in respect", "in relation", "in terms", "on the basis")
    )  # fmt: skip
    references = re.compile(
        r"^(?:hereinafter|hereafter|henceforth|below|further|abbreviated)?"
        r"(?:\s*(?:referred to as|called|as))?\s*:?\s*",
        re.IGNORECASE,
    )
    articles = ("the ", "a ", "an ")
    law_words = ("act", "regulation", "directive", "convention", "treaty")

    def takes_year(self, word: str) -> bool:
        """ "Data Act 2023": the law's word on its own (English writes no compound: not "Contract")."""
        return word.lower() in self.law_words
    title_case = True
    verbs_marked = False

    def base_forms(self, word: str) -> tuple[str, ...]:
        return english.base_forms(word)

    def key(self, word: str) -> str:
        """Nouns inflect only for number, so the key is the singular: the dictionary's lemma where it
        is what a plural ending gives (services, agencies), the word itself where the lemma is
        another word class's (processing, not process; data), the rules for unknown words."""
        lower = word.lower()
        if self.is_known(lower):
            lemma = self.lemma(lower).lower()
            plural = lower in (lemma + "s", lemma + "es", lemma[:-1] + "ies")
            return lemma if plural else lower
        forms = english.base_forms(lower)
        return forms[0] if forms else lower

    def singular(self, word: str) -> str:
        if len(word) > 4 and word.endswith("ies"):
            return word[:-3] + "y"
        if len(word) > 3 and word.endswith("s") and not word.endswith(_NOT_PLURAL):
            return word[:-1]
        return word

    def is_verb_form(self, word: str) -> bool:
        """ "processed", "analysed", "withheld": a lower-case word whose lemma is another word, not a
        plural (a name such as "United Nations" is written with a capital)."""
        return _english_past(word) or _english_inflected(word)

    def modifies(self, word: str) -> bool:
        """A participle before a noun: "automated decision-making", "limited liability company"."""
        return _english_past(word)

    def may_be_verb(self, word: str) -> bool:
        """ "amends", "permits", "infringing": a lower-case -s or -ing word whose lemma is another
        word with a past form general English uses (amended; not "providers", "webcasting"); and
        any other inflected form but an irregular plural (withheld, paid, larger; not children)."""
        return _english_verb_like(word)


@lru_cache(maxsize=200_000)
def _dutch_verb_form(word: str) -> bool:
    lower = word.lower()
    if not lower.endswith(("t", "d")) or not lexicon.is_known(lower, "nl"):
        return False
    lemma = lexicon.lemma(lower, "nl").lower()
    return lemma != lower and lemma.endswith("en")


@lru_cache(maxsize=200_000)
def _dutch_inflected_adjective(word: str) -> bool:
    lower = word.lower()
    if not lower.endswith("e") or not lexicon.is_known(lower, "nl"):
        return False
    lemma = lexicon.lemma(lower, "nl").lower()
    return lemma != lower and not lemma.endswith("e")


@lru_cache(maxsize=200_000)
def _english_past(word: str) -> bool:
    if not word.endswith("ed") or not word.islower() or not lexicon.is_known(word, "en"):
        return False
    return lexicon.lemma(word, "en").lower() != word


@lru_cache(maxsize=200_000)
def _english_verb_like(word: str) -> bool:
    plural = word.endswith("s") and not word.endswith(_NOT_PLURAL)
    if not word.islower() or not lexicon.is_known(word, "en"):
        return False
    lemma = lexicon.lemma(word, "en").lower()
    if lemma == word:  # a base form: a verb where its past is frequent (disclose: disclosed)
        return not word.endswith(("s", "ing")) and _past_zipf(word) >= PAST_ZIPF_BASE
    if not (word.endswith("ing") or plural):
        return _english_inflected(word)
    return _past_zipf(lemma) >= (PAST_ZIPF_ING if word.endswith("ing") else PAST_ZIPF_S)


def _past_zipf(lemma: str) -> float:
    """How often general English writes the past form of `lemma` (as a verb's: amended, applied)."""
    from wordfreq import zipf_frequency

    past = (lemma + "ed", lemma + "d", lemma[:-1] + "ied", lemma + lemma[-1:] + "ed")
    return max(zipf_frequency(form, "en") for form in past)


@lru_cache(maxsize=200_000)
def _english_inflected(word: str) -> bool:
    """ "withheld", "paid", "larger": a lower-case word whose lemma is another word, neither by a
    plural's nor by an -ing ending, nor an irregular plural (children, criteria), nor another
    spelling (defence) or a longer word (simplemma's "erasures" for erasure): a verb's or an
    adjective's form."""
    if not word.islower() or word.endswith(("s", "ing", *_IRREGULAR_PLURALS)):
        return False
    if not lexicon.is_known(word, "en"):
        return False
    lemma = lexicon.lemma(word, "en").lower()
    return lemma != word and not lemma.startswith(word) and not _spelling_variant(word, lemma)


def _spelling_variant(word: str, lemma: str) -> bool:
    """ "defence" for "defense", "analyse" for "analyze": one letter apart, c or z for s."""
    apart = [(a, b) for a, b in zip(word, lemma, strict=False) if a != b]
    return len(word) == len(lemma) and len(apart) == 1 and set(apart[0]) in ({"c", "s"}, {"z", "s"})


_IRREGULAR_PLURALS = ("ren", "men", "ves", "a", "i", "ice", "eet", "eeth")  # children, women, criteria
_NOT_PLURAL = ("ss", "us", "is")
PAST_ZIPF_S = 3.0  # amended 3.8, permitted 4.1; serviced 3.3 (services: a noun too, but seldom a verb)
PAST_ZIPF_ING = 2.5  # circumvented 2.5, infringed 3.0; webcast has no past
PAST_ZIPF_BASE = 3.0  # disclosed 3.6: "disclose" is no compound term


DUTCH = Dutch()
ENGLISH = English()
LANGUAGES = {language.code: language for language in (DUTCH, ENGLISH)}


def language(code: str) -> Language:
    """The extraction rules for a source language; a language without them is a usage error."""
    found = LANGUAGES.get(code)
    if found is None:
        raise UsageError(
            f"term extraction reads Dutch or English source texts (nl-en, en-nl); {code} is not supported"
        )
    return found
