"""An article's language, offline: the front matter's ``lang``, else a guess from its text.

The script decides first (kana: Japanese; hangul: Korean; Han alone: Chinese;
Cyrillic, Arabic, Greek, Hebrew, Devanagari, Thai). Latin-script text is
matched against short profiles of each language's commonest words (en, pt, es,
fr, de, ca, it, nl); a word shared by several languages counts for each, so the
words only one language has decide. Too little evidence gives ``None``: an
unknown language is better than a wrong one.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

SAMPLE = 1_000
"""Characters of the text looked at: plenty for a language, cheap at 100,000 articles."""
MIN_HITS = 3
"""Common words needed before a Latin-script text is given a language."""

_PROFILES: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to in is that it for with as was on are be by this have from or "
        "an they which you were their has been would will not but its also can more than "
        "there what when who about into these those said",
        "pt": "o os as de do da dos das em no na nos nas um uma para com não que por mais "
        "como mas ao aos se é são foi ser está pelo pela também já seu sua isso ele ela "
        "muito quando ou entre sobre até pode são têm às essa esse",
        "es": "el la los las de del en un una para con no que por más como pero al se es "
        "son fue ser está también ya su sus esto él ella y muy hay entre sobre hasta "
        "puede cuando este esta o lo",
        "fr": "le la les de des du un une et est pour dans que qui pas ne sur au aux avec "
        "ce cette il elle sont par plus mais ou été être nous vous leur ses son sa on "
        "comme aussi entre",
        "de": "der die das und ist nicht ein eine zu den dem des mit sich auf für im von "
        "auch es an als wird sind wurde bei oder aus werden noch nach wie einen einer "
        "hat haben kann über",
        "ca": "el la els les de del i un una per amb no que és són va més com però al es "
        "ha també seu seva aquest aquesta dels pel això molt hi ho en sobre entre "
        "perquè quan",
        "it": "il la lo gli le di del della e è un una per con non che sono più come ma "
        "anche nel nella alla questo questa dei delle si ha essere tra",
        "nl": "de het een en van is dat op te in niet zijn met voor ook maar dan wordt door "
        "bij naar om er heeft hebben worden deze wat",
    }.items()
}

_SCRIPT_CLASSES = (
    ("ja", r"[\u3040-\u30ff]"),  # kana: only Japanese writes it
    ("ko", r"[\uac00-\ud7af\u1100-\u11ff]"),
    ("zh", r"[\u3400-\u4dbf\u4e00-\u9fff]"),
    ("ru", r"[\u0400-\u04ff]"),
    ("ar", r"[\u0600-\u06ff]"),
    ("el", r"[\u0370-\u03ff]"),
    ("he", r"[\u0590-\u05ff]"),
    ("hi", r"[\u0900-\u097f]"),
    ("th", r"[\u0e00-\u0e7f]"),
)


@cache
def _scripts() -> tuple[re.Pattern[str], tuple[tuple[str, re.Pattern[str]], ...]]:
    """Any letter of a script other than Latin, and each script's letters.

    Compiled on the first text that is not ASCII: classes of such wide ranges
    take some 8 ms to compile, which a start that parses only ASCII need not pay.
    """
    other = re.compile("|".join(pattern for _, pattern in _SCRIPT_CLASSES))
    return other, tuple((lang, re.compile(pattern)) for lang, pattern in _SCRIPT_CLASSES)


_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_ASCII_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
"""``_WORD`` for lower-case ASCII text, where it matches the same, twice as fast."""
_IN: dict[str, tuple[str, ...]] = {}
"""Each common word, and the languages it is common in."""
for _lang, _profile in _PROFILES.items():
    for _word in _profile:
        _IN[_word] = (*_IN.get(_word, ()), _lang)
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")

NAMES = {
    "english": "en",
    "portuguese": "pt",
    "português": "pt",
    "portugues": "pt",
    "spanish": "es",
    "español": "es",
    "french": "fr",
    "français": "fr",
    "german": "de",
    "deutsch": "de",
    "catalan": "ca",
    "català": "ca",
    "italian": "it",
    "dutch": "nl",
    "chinese": "zh",
    "japanese": "ja",
    "korean": "ko",
    "russian": "ru",
    "arabic": "ar",
}


def normalise(lang: str | None) -> str | None:
    """A front matter's language as a code: ``pt-BR`` → ``pt``, ``English`` → ``en``."""
    if not lang:
        return None
    text = lang.strip().lower().replace("_", "-")
    if text in NAMES:
        return NAMES[text]
    code = text.split("-", 1)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def detect(text: str) -> str | None:
    """The language ``text`` is most likely in, as an ISO 639-1 code; None if unsure.

    Run on every article without a language while indexing: a tenth of a
    millisecond or less (the common case, Latin script, never counts scripts)."""
    sample = text[:SAMPLE]
    letters = 0
    scripts: tuple[tuple[str, re.Pattern[str]], ...] = ()
    if not sample.isascii():
        other, scripts = _scripts()
        if other.search(sample):
            letters = len(_LETTER.findall(sample))  # (a mark of a script is not a letter)
    if letters:
        for lang, pattern in scripts:
            found = len(pattern.findall(sample))
            # Kana marks Japanese even among many Han characters.
            if found and (found / letters > 0.3 or (lang == "ja" and found >= 5)):
                if lang == "ru" and _UKRAINIAN.search(sample):
                    return "uk"
                return lang
    lower = sample.lower()
    counts = Counter((_ASCII_WORD if lower.isascii() else _WORD).findall(lower))
    scores = dict.fromkeys(_PROFILES, 0)
    for word in counts.keys() & _IN.keys():  # the few common words, each once
        for lang in _IN[word]:
            scores[lang] += counts[word]
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] < MIN_HITS:
        return None
    rivals = sorted(scores.values(), reverse=True)
    if len(rivals) > 1 and rivals[1] == rivals[0]:
        return _tie_break(sample, [lang for lang, s in scores.items() if s == rivals[0]])
    return best


_MARKS = {
    "pt": re.compile(r"[ãõ]|ção|ções"),
    "es": re.compile(r"[ñ¿¡]|ción"),
    "ca": re.compile(r"l·l|[òï]|ció\b"),
    "fr": re.compile(r"[êûœ]|\bqu'|\bl'"),
    "de": re.compile(r"[ßäöü]"),
    "it": re.compile(r"\b(?:gli|della|perché)\b"),
    "nl": re.compile(r"\b(?:ij|het)\b"),
}


def _tie_break(sample: str, tied: list[str]) -> str | None:
    """Equal word counts: the spelling marks only one of the languages uses decide."""
    marked = [lang for lang in tied if lang in _MARKS and _MARKS[lang].search(sample.lower())]
    return marked[0] if len(marked) == 1 else None


def language(given: str | None, text: str) -> str | None:
    """The front matter's language when it names one, else the text's."""
    return normalise(given) or detect(text)
