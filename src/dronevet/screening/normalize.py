"""Name normalisation for screening: the comparable form of a company or person name.

`name_tokens(text)` turns a name as written anywhere (a procurement record, an FCC filing,
a Chinese registry extract) into a tuple of plain ASCII tokens:

1. Unicode NFKC, then case folding (full-width letters, ligatures, `ß` -> `ss`).
2. Legal forms written in their own script are removed (有限公司, 株式会社, 주식회사...).
3. Transliteration: Han characters become one pinyin syllable each (anyascii's tables,
   cached per character), kana and Hangul become romanised runs, Cyrillic and Greek use fixed
   tables, diacritics are dropped (`Müller` -> `muller`, `Łódź` -> `lodz`).
4. `&` and `+` become `and`; hyphens, apostrophes and dots inside abbreviations join
   (`Da-Jiang` -> `dajiang`, `S.A.` -> `sa`); any other punctuation separates.
5. Stop words (`the`, `and`, `of`) and legal-form tokens in many languages (`co ltd`,
   `gmbh`, `sas`, `ooo`, `kabushiki kaisha`...) are removed (short ones such as `ag` only
   where legal forms stand: at the end, beside another legal form, or `ooo`/`pt` first),
   repeatedly until nothing changes, so normalising twice gives the same result. A name
   made only of legal forms keeps them (`Limited` stays `limited`), so no name becomes empty.

Words are normalised once each and remembered (names share most of their words); the
legal-form step runs on the whole name. `phonetic_token` gives a consonant skeleton for
sound-alike lookups.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from anyascii import anyascii

_NATIVE_LEGAL_FORMS = re.compile(
    r"股份有限公司|有限责任公司|有限責任公司|有限公司|股份公司|公司"
    r"|株式会社|有限会社|合同会社|合資会社|合名会社|\(株\)|（株）"
    r"|주식회사|유한회사|\(주\)"
)

# Single tokens that only state a legal form, in many languages (after transliteration).
LEGAL_FORM_TOKENS = frozenset(
    """
    co company corp corporation inc incorporated ltd limited llc llp lp plc pllc pte pty
    gmbh ag kg ohg ug mbh ev gbr kgaa sa sas sasu sarl eurl sca snc spa srl sapa sl slu
    bv nv vof cv ab oy oyj as asa aps hf ehf kft zrt nyrt sro spol sp zoo doo dd ad ead
    ood eood oao ooo zao pao ao tov pat ip kk yk gk bhd sdn tbk pt cjsc ojsc jsc ae epe ike
    kabushiki kaisha gaisha yugen godo gongsi youxian zeren gufen jushikaisha aktiebolag
    aktiengesellschaft aktieselskab osakeyhtio naamloze besloten vennootschap
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# Multi-token legal forms, removed as a sequence wherever they occur.
LEGAL_FORM_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "limited liability company",
        "limited liability partnership",
        "public limited company",
        "joint stock company",
        "private limited",
        "sociedad anonima",
        "societe anonyme",
        "societe par actions simplifiee",
        "societa per azioni",
        "gesellschaft mit beschrankter haftung",
        "obshchestvo s ogranichennoy otvetstvennostyu",
        "aktsionernoe obshchestvo",
        "publichnoe aktsionernoe obshchestvo",
        "sp z o o",
        "sp z oo",
        "s r o",
        "s a",
        "s l",
        "s p a",
        "b v",
        "n v",
        "a s",
        "k k",
        "you xian gong si",
        "gu fen you xian gong si",
        "you xian ze ren gong si",
    )
)

STOP_WORDS = frozenset({"the", "and", "of"})

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya i yi ye g u".split(),  # noqa: E501, SIM905
        strict=True,
    )
)
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        "a v g d e z i th i k l m n x o p r s s t y f ch ps o".split(),  # noqa: SIM905
        strict=True,
    )
)
_LATIN_SPECIAL = {
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    "ħ": "h", "ŋ": "ng", "ſ": "s",
}
_TABLE: dict[int, str] = {
    ord(k): ("" if v == "_" else v)
    for k, v in {**_CYRILLIC, **_GREEK, **_LATIN_SPECIAL}.items()
}
_TABLE.update({ord("&"): " and ", ord("+"): " and "})

_ABBREVIATION = re.compile(r"\b(?:[a-z0-9]\.){2,}(?![a-z0-9])")
_JOINERS = re.compile(r"(?<=[a-z0-9])[-'‐‑’`](?=[a-z0-9])")
_SEPARATORS = re.compile(r"[^a-z0-9]+")


_CJK = re.compile(
    "[\u3040-\u30ff"  # kana
    "\u3400-\u9fff"  # Han
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"
    "\U00020000-\U0002fa1f]"
)


def _is_han(code: int) -> bool:
    return 0x3400 <= code <= 0x9FFF or code >= 0x20000 or 0xF900 <= code <= 0xFAFF


class _CjkSyllables(dict[int, str]):
    """A `str.translate` table, filled on first sight of each character: a CJK character
    becomes Latin letters (Han as a separate syllable, kana and Hangul joined); any other
    character stays as it is."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if not _CJK.match(char):
            self[code] = char
            return char
        latin = _SEPARATORS.sub("", anyascii(char).casefold())
        self[code] = f" {latin} " if _is_han(code) else latin
        return self[code]


_CJK_SYLLABLES = _CjkSyllables()


def _transliterate(text: str) -> str:
    if _CJK.search(text):
        text = _NATIVE_LEGAL_FORMS.sub(" ", text).translate(_CJK_SYLLABLES)
    # Cyrillic first (й must not lose its breve to the diacritics step), then the rest.
    text = text.translate(_TABLE)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return text.translate(_TABLE)


# Phrases by their first token: most tokens start none, so the scan is one dict lookup each.
_PHRASES_BY_FIRST: dict[str, tuple[tuple[str, ...], ...]] = {}
for _phrase in LEGAL_FORM_PHRASES:
    _PHRASES_BY_FIRST[_phrase[0]] = (*_PHRASES_BY_FIRST.get(_phrase[0], ()), _phrase)


def _strip_phrases(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        for phrase in _PHRASES_BY_FIRST.get(tokens[i], ()):
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


# Short legal-form tokens are also ordinary words ("Ag Eagle", "Co-op"): they are removed
# only at the end of a name, next to an unambiguous legal form ("co ltd"), or, for the
# forms written first (Russian ООО, Indonesian PT), at the start.
UNAMBIGUOUS_LEGAL_TOKENS = frozenset(
    {t for t in LEGAL_FORM_TOKENS if len(t) >= 4}
    | {"inc", "ltd", "llc", "plc", "llp", "pty", "pte", "bhd", "sdn", "ooo", "zao", "oao", "pao",
       "jsc"}
)
LEADING_LEGAL_TOKENS = frozenset({"ooo", "oao", "zao", "pao", "ao", "pt", "tov", "pat", "jsc"})
_TRAILING = LEGAL_FORM_TOKENS | STOP_WORDS
# Every token that can start a removal; a name without any is already stripped.
_LEGALISH = LEGAL_FORM_TOKENS | STOP_WORDS | LEADING_LEGAL_TOKENS | frozenset(_PHRASES_BY_FIRST)


def _strip_tokens(tokens: list[str]) -> list[str]:
    n = len(tokens)
    drop = [t in UNAMBIGUOUS_LEGAL_TOKENS or t in STOP_WORDS for t in tokens]
    j = n - 1
    while j >= 0 and (tokens[j] in LEGAL_FORM_TOKENS or tokens[j] in STOP_WORDS):
        drop[j] = True
        j -= 1
    j = 0
    while j < n and tokens[j] in LEADING_LEGAL_TOKENS:
        drop[j] = True
        j += 1
    for i, token in enumerate(tokens):
        if token in LEGAL_FORM_TOKENS and not drop[i]:
            before = i > 0 and tokens[i - 1] in UNAMBIGUOUS_LEGAL_TOKENS
            after = i + 1 < n and tokens[i + 1] in UNAMBIGUOUS_LEGAL_TOKENS
            drop[i] = before or after
    return [t for t, d in zip(tokens, drop, strict=True) if not d]


def strip_legal_forms(tokens: Iterable[str]) -> tuple[str, ...]:
    """Remove stop words and legal forms until nothing changes; keep them if nothing is left."""
    original = [t for t in tokens if t]
    if _LEGALISH.isdisjoint(original):
        return tuple(original)
    # The common case, a name followed by legal forms only ("Acme Robotics Co., Ltd."):
    # every step below would just drop that tail.
    keep = len(original)
    while keep and original[keep - 1] in _TRAILING:
        keep -= 1
    if keep and _LEGALISH.isdisjoint(original[:keep]):
        return tuple(original[:keep])
    current = original
    while True:
        stripped = _strip_tokens(_strip_phrases(current))
        if stripped == current or _LEGALISH.isdisjoint(stripped):
            current = stripped
            break
        current = stripped
    return tuple(current) if current else tuple(original)


def _plain(text: str) -> list[str]:
    text = _ABBREVIATION.sub(lambda m: m.group(0).replace(".", "") + " ", text)
    text = _JOINERS.sub("", text)
    return _SEPARATORS.sub(" ", text).split()


@functools.lru_cache(maxsize=1 << 18)
def _word_parts(word: str) -> tuple[str, ...]:
    """Steps 1, 3 and 4 for one whitespace-separated word (they never look past a space)."""
    if word.isascii():
        return tuple(_plain(word.lower().translate(_TABLE)))
    text = unicodedata.normalize("NFKC", word).casefold()
    return tuple(_plain(text.translate(_TABLE) if text.isascii() else _transliterate(text)))


def name_tokens(text: str) -> tuple[str, ...]:
    """The normalised tokens of a name, in their original order (see the module docstring).

    Words are normalised once and remembered (names share most of their words); the legal
    form step runs on the whole name.
    """
    return strip_legal_forms([t for word in text.split() for t in _word_parts(word)])


def normalize_name(text: str) -> str:
    """The normalised name as one string (tokens joined by single spaces)."""
    return " ".join(name_tokens(text))


_PHONETIC_CLASSES = str.maketrans(
    "bpfvwckqgxszdtlmnrjaeiouyh", "ppfffkkkkkssttlnnrj" + "_" * 7
)


@functools.lru_cache(maxsize=262144)
def phonetic_token(token: str) -> str:
    """Consonant skeleton of a token (`autel` and `otel` -> `atl`); digits are kept as they are."""
    if token.isdigit():
        return token
    head = "a" if token[0] in "aeiouy" else token[0].translate(_PHONETIC_CLASSES)
    body = token[1:].replace("ph", "f").replace("x", "ks").translate(_PHONETIC_CLASSES)
    out = [head]
    for char in body:
        if char != "_" and char != out[-1]:
            out.append(char)
    return "".join(out)
