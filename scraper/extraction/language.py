"""Language of an article: the page's own declaration first, a detector only without one.

The detector is deliberately small: the writing system decides for scripts used by one or
few languages (Hangul, kana, Han, Thai, Greek, Hebrew, Arabic, Cyrillic, the Indic scripts,
Georgian, Armenian, ...; the letters of a language tell it from the script's others), and
for Latin-script text the most frequent function words decide among 20 languages. It was
chosen over py3langid (97 languages) after measuring that library's model at ~80 MiB
resident and ~0.4 s to load, for the one page in seven that declares no language; function
words are right on a paragraph of news prose, which is what it is given.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["detect_language", "normalise_language"]

_MIN_DETECT_CHARS = 80  # shorter texts (a title, a caption) give unreliable guesses
_DETECT_CHARS = 3000  # the first paragraphs suffice; counting more only costs time
_MIN_HITS = 3  # function words needed before a Latin-script guess is trusted
_TAG = re.compile(r"^([a-z]{2,3})(?:[-_]([a-z]{4}))?(?:[-_]([a-z]{2}|\d{3}))?(?![a-z])", re.I)
_WORD = re.compile(r"[^\W\d_]+")

# (language, first and last code point) of scripts that settle the question alone, checked
# in this order: kana before Han, so Japanese with kanji is Japanese. A script several
# languages write takes its most used one, unless letters of another show (_MARKED).
_SCRIPTS = (
    ("ko", 0xAC00, 0xD7A3), ("ja", 0x3040, 0x30FF), ("zh", 0x4E00, 0x9FFF),
    ("th", 0x0E00, 0x0E7F), ("el", 0x0370, 0x03FF), ("he", 0x0590, 0x05FF),
    ("ar", 0x0600, 0x06FF), ("hi", 0x0900, 0x097F), ("ru", 0x0400, 0x04FF),
    ("bn", 0x0980, 0x09FF), ("pa", 0x0A00, 0x0A7F), ("gu", 0x0A80, 0x0AFF),
    ("or", 0x0B00, 0x0B7F), ("ta", 0x0B80, 0x0BFF), ("te", 0x0C00, 0x0C7F),
    ("kn", 0x0C80, 0x0CFF), ("ml", 0x0D00, 0x0D7F), ("si", 0x0D80, 0x0DFF),
    ("lo", 0x0E80, 0x0EFF), ("my", 0x1000, 0x109F), ("ka", 0x10A0, 0x10FF),
    ("am", 0x1200, 0x137F), ("km", 0x1780, 0x17FF), ("hy", 0x0530, 0x058F),
)
# Letters only one of a script's languages writes: Ukrainian, Serbian, Macedonian,
# Belarusian and Kazakh among the Cyrillic ones (Bulgarian has none of its own: see
# _by_script), Persian and Urdu among the Arabic ones; checked in this order.
_MARKED = {
    "ru": (("uk", frozenset("іїєґ")), ("sr", frozenset("ђјљњћџ")), ("mk", frozenset("ѓќѕ")),
           ("be", frozenset("ў")), ("kk", frozenset("әғқңөұүһ"))),
    "ar": (("ur", frozenset("ٹڈڑںے")), ("fa", frozenset("پچژگکی"))),
}
_RUSSIAN_ONLY = frozenset("ыэё")  # Cyrillic text without them, and with "ъ", is Bulgarian

# The most frequent words of each language that are rare in the others (from the usual
# frequency lists, ambiguous words such as "a", "de", "la", "en" left out).
_FUNCTION_WORDS = {
    "en": "the and of to is that for with was are this have from by not but which",
    "de": "der die und das ist nicht ein eine mit auch sich dem den von wird auf",
    "fr": "le les des est une pour dans qui pas sur avec sont ce cette mais aux",
    "es": "el los las del que una por con para más pero como fue sus este esta",
    "it": "il della che non sono per una nel anche gli alla dei questo più ma",
    "pt": "os das não uma com para mais pelo pela são foi também isso seu sua ao",
    "nl": "het een van dat niet zijn voor met ook maar wordt naar bij deze dit",
    "sv": "och att det som för med inte är har till av på jag var ett",
    "da": "og det som til med ikke har jeg af på for var et fra",
    "no": "og det som til med ikke har jeg av på for var et fra ble",
    "pl": "się nie jest że na do to jak ale tak przez jego są być",
    "cs": "se je že na to jako ale jsou jeho by jsem také pro které",
    "ro": "și este că care pentru nu mai din sunt cu această fost",
    "tr": "bir ve bu için ile da de çok olan daha gibi olarak ama",
    "id": "yang dan di itu dengan untuk tidak ini dari dalam akan pada",
    "fi": "ja on ei että se oli hän mutta kun myös ovat tai",
    "hu": "az és hogy nem egy is van meg ez csak volt már",
    "ca": "els les amb per però són del aquesta això també una",
    "hr": "je i se na da u za su od ali koji kao što",
    "vi": "của và là có trong được cho không những người với một",
}
_LOOKUP: dict[str, list[str]] = {}
for _language, _words in _FUNCTION_WORDS.items():
    for _word in _words.split():
        _LOOKUP.setdefault(_word, []).append(_language)


def normalise_language(value: str | None) -> str | None:
    """A BCP 47 tag as pages write it ("en_US", "EN-gb", "zh-hant") -> "en-US", "en-GB",
    "zh-Hant". Values that are not a language tag ("x-default", "*", "") give None."""
    match = _TAG.match((value or "").strip())
    if not match or match.group(1).lower() in ("x", "xx", "und", "mul"):
        return None
    language, script, region = match.groups()
    parts = [language.lower()] + ([script.title()] if script else []) + (
        [region.upper()] if region else [])
    return "-".join(parts)


def _by_script(text: str) -> str | None:
    counts = Counter()
    for char in text:
        point = ord(char)
        if point >= 0x0370:
            for language, first, last in _SCRIPTS:
                if first <= point <= last:
                    counts[language] += 1
                    break
    if not counts:
        return None
    language, count = counts.most_common(1)[0]
    if count * 3 < sum(1 for c in text if c.isalpha()):  # a few foreign letters in Latin text
        return None
    if language == "zh" and counts["ja"]:
        return "ja"
    letters = set(text.lower()) if language in _MARKED else set()
    for marked, own in _MARKED.get(language, ()):
        if own & letters:
            return marked
    if language == "ru" and "ъ" in letters and not _RUSSIAN_ONLY & letters:
        return "bg"
    return language


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when it is too short or unclear."""
    if len(text) < _MIN_DETECT_CHARS:
        return None
    sample = text[:_DETECT_CHARS]
    by_script = _by_script(sample)
    if by_script:
        return by_script
    votes: Counter[str] = Counter()
    for word in _WORD.findall(sample.lower()):
        for language in _LOOKUP.get(word, ()):
            votes[language] += 1
    if not votes:
        return None
    language, hits = votes.most_common(1)[0]
    return language if hits >= _MIN_HITS else None
