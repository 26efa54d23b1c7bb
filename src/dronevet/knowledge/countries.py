"""Country names for sentences people read, from the ISO 3166-1 alpha-2 codes the data uses.

Prose never shows a bare code ("assembled in MY"): `country_name("my")` is "Malaysia". The
table holds every country the knowledge base, the policies and bills of materials name; a
code it lacks is shown upper-case, which `kb check` and the phrase test catch.
"""

from __future__ import annotations

COUNTRY_NAMES = {
    "au": "Australia",
    "at": "Austria",
    "be": "Belgium",
    "by": "Belarus",
    "ca": "Canada",
    "ch": "Switzerland",
    "cn": "China",
    "cu": "Cuba",
    "cz": "Czechia",
    "de": "Germany",
    "dk": "Denmark",
    "ee": "Estonia",
    "es": "Spain",
    "fi": "Finland",
    "fr": "France",
    "gb": "the United Kingdom",
    "hk": "Hong Kong (China)",
    "ie": "Ireland",
    "il": "Israel",
    "in": "India",
    "ir": "Iran",
    "it": "Italy",
    "jp": "Japan",
    "kp": "North Korea",
    "kr": "South Korea",
    "lt": "Lithuania",
    "lv": "Latvia",
    "mo": "Macao (China)",
    "mx": "Mexico",
    "my": "Malaysia",
    "nl": "the Netherlands",
    "no": "Norway",
    "nz": "New Zealand",
    "pl": "Poland",
    "pt": "Portugal",
    "ru": "Russia",
    "se": "Sweden",
    "sg": "Singapore",
    "sy": "Syria",
    "th": "Thailand",
    "tr": "Türkiye",
    "tw": "Taiwan",
    "ua": "Ukraine",
    "us": "the United States",
    "ve": "Venezuela",
    "vn": "Vietnam",
}


def country_name(code: str | None) -> str:
    """A country's name for a sentence; 'an unknown country' for None, the upper-case code
    for one the table lacks."""
    if not code:
        return "an unknown country"
    return COUNTRY_NAMES.get(code.lower(), code.upper())


def country_list(codes: tuple[str, ...] | list[str] | frozenset[str]) -> str:
    """Names joined for prose: 'China', 'China and Russia', 'China, Russia and Iran'."""
    names = [country_name(code) for code in sorted(codes)]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
