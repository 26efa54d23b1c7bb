"""Name normalisation: the forms registries, filings and the press write the same company in."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.screening.normalize import (
    LEGAL_FORM_TOKENS,
    STOP_WORDS,
    name_tokens,
    normalize_name,
    phonetic_token,
)

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüéçñøłабвгдежзиклмнопрстуфαβγδ", min_size=2,
               max_size=10)
NAME = st.lists(WORD, min_size=1, max_size=5)
LEGAL = st.sampled_from(["Co., Ltd.", "Inc.", "LLC", "GmbH", "S.A.", "SAS", "AG", "Limited",
                         "ООО", "有限公司", "株式会社", "S.p.A.", "B.V.", "PLC", "Sp. z o.o."])


def _is_plain(words: list[str]) -> bool:
    """No word is (or transliterates to) a legal form or stop word."""
    tokens = [t for w in words for t in name_tokens(w)]
    return not any(t in LEGAL_FORM_TOKENS or t in STOP_WORDS for t in tokens)


# Names of ordinary words only: the properties below hold for every one of them, so the
# strategy draws only such names instead of the tests skipping their assertion.
PLAIN_NAME = NAME.filter(_is_plain)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once


@settings(max_examples=150, deadline=None)
@given(NAME)
def test_case_does_not_matter(words: list[str]) -> None:
    name = " ".join(words)
    assert name_tokens(name.upper()) == name_tokens(name.lower())


@settings(max_examples=150, deadline=None)
@given(NAME, st.lists(st.sampled_from(list(",;:()/!?\"*")), min_size=1, max_size=5))
def test_separating_punctuation_does_not_matter(words: list[str], marks: list[str]) -> None:
    punctuated = " ".join(f"{w}{marks[i % len(marks)]}" for i, w in enumerate(words))
    assert name_tokens(punctuated) == name_tokens(" ".join(words))


@settings(max_examples=150, deadline=None)
@given(PLAIN_NAME, st.randoms(use_true_random=False))
def test_word_order_does_not_change_the_token_set(words: list[str], rng: object) -> None:
    shuffled = list(words)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert set(name_tokens(" ".join(shuffled))) == set(name_tokens(" ".join(words)))


@settings(max_examples=150, deadline=None)
@given(PLAIN_NAME, LEGAL)
def test_legal_form_suffix_is_stripped(words: list[str], legal: str) -> None:
    base = " ".join(words)
    assert name_tokens(f"{base} {legal}") == name_tokens(base)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=string.ascii_letters + string.digits + " -&.,'", max_size=30))
def test_output_is_plain_ascii_tokens(text: str) -> None:
    for token in name_tokens(text):
        assert token and token.isascii() and token.isalnum() and token == token.lower()


def test_dji_legal_name_written_in_capitals_without_punctuation() -> None:
    assert name_tokens("SZ DJI TECHNOLOGY CO LTD") == name_tokens(
        "SZ DJI Technology Co., Ltd."
    )


def test_hyphenated_romanisation_joins_into_one_word() -> None:
    assert name_tokens("Da-Jiang Innovations") == ("dajiang", "innovations")


def test_ampersand_and_the_word_and_are_equal() -> None:
    assert normalize_name("Procter & Gamble") == normalize_name("Procter and Gamble")


def test_chinese_registry_name_becomes_pinyin_without_legal_form() -> None:
    tokens = name_tokens("深圳市大疆创新科技有限公司")
    assert tokens[:5] == ("shen", "zhen", "shi", "da", "jiang")
    assert "gong" not in tokens and "si" not in tokens


def test_russian_llc_is_transliterated_and_its_legal_form_dropped() -> None:
    assert name_tokens('ООО "Росдрон"') == ("rosdron",)
    assert name_tokens("Общество с ограниченной ответственностью Росдрон") == (
        "rosdron",
    )


def test_japanese_kabushiki_kaisha_is_dropped_in_both_scripts() -> None:
    assert name_tokens("株式会社ACSL") == name_tokens("ACSL Kabushiki Kaisha")


def test_diacritics_and_full_width_letters_fold_to_ascii() -> None:
    assert normalize_name("Ｍüller Łódź") == "muller lodz"


def test_a_name_that_is_only_a_legal_form_is_kept() -> None:
    assert name_tokens("Limited") == ("limited",)


def test_sound_alike_spellings_share_a_phonetic_skeleton() -> None:
    assert phonetic_token("autel") == phonetic_token("otel")
    assert phonetic_token("robotics") == phonetic_token("robotix")


def test_plain_name_filter_keeps_ordinary_words_and_refuses_legal_forms() -> None:
    assert _is_plain(["acme", "drones"])
    assert not _is_plain(["acme", "gmbh"])
    assert not _is_plain(["ооо"])  # Cyrillic, transliterates to the legal form "ooo"
