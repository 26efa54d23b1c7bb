"""Generate a reproducible FtM file of synthetic company names in several scripts.

`python bench/screening_data/generate_entities.py N OUT` writes N `Company` records (seeded,
so every run gives the same file) with names built from word lists: Latin brands made of
syllables plus industry words and legal forms, Chinese registry-style names (city, brand,
industry, 有限公司), Russian (ООО + brand), Japanese (katakana brand + 株式会社) and Greek.
About a third get an alias. The file goes to bench/out/ (git-ignored).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

SYLLABLES = [
    "ka",
    "ro",
    "vel",
    "tri",
    "lum",
    "nor",
    "sen",
    "dax",
    "qui",
    "mar",
    "zen",
    "tor",
    "bel",
    "fin",
    "gra",
    "hol",
    "vin",
    "lex",
    "pra",
    "sol",
    "tek",
    "mon",
    "ast",
    "ber",
    "cor",
    "dyn",
    "eco",
    "fal",
    "gen",
    "hex",
    "ion",
    "jet",
    "kor",
    "lin",
    "mev",
    "nex",
    "orb",
    "pax",
    "rem",
    "sky",
    "tal",
    "ula",
    "vor",
    "wex",
    "yar",
    "zor",
    "bri",
    "clo",
    "dre",
    "fro",
    "glo",
    "kle",
    "plu",
    "stra",
]
INDUSTRY = [
    "Technology",
    "Technologies",
    "Systems",
    "Solutions",
    "Aerospace",
    "Aviation",
    "Robotics",
    "Electronics",
    "Logistics",
    "Energy",
    "Materials",
    "Software",
    "Networks",
    "Dynamics",
    "Industries",
    "Labs",
    "Instruments",
    "Motors",
    "Optics",
    "Sensors",
    "Trading",
    "Holdings",
    "Capital",
    "Engineering",
    "Security",
    "Analytics",
]
LEGAL = ["Inc.", "LLC", "Ltd", "Co., Ltd.", "GmbH", "S.A.", "SAS", "AG", "B.V.", "PLC", "Corp."]
CITIES_HAN = [
    "深圳市",
    "广州市",
    "北京",
    "上海",
    "杭州市",
    "东莞市",
    "珠海市",
    "成都",
    "武汉",
    "西安",
]
HAN = list("华天航智科电飞龙星创新达宇恒信通达联鑫瑞泰安盛隆海光明远博讯云翔鹏腾")
INDUSTRY_HAN = ["科技", "电子", "航空", "智能", "机器人", "无人机", "软件", "材料", "能源", "光电"]
CYR_SYL = [
    "ро",
    "ва",
    "ле",
    "ка",
    "ми",
    "но",
    "сту",
    "тра",
    "кос",
    "мар",
    "зен",
    "бел",
    "гра",
    "дин",
    "пол",
    "сев",
]
CYR_WORDS = ["Технологии", "Системы", "Авиа", "Электроника", "Робототехника", "Энерго", "Снаб"]
KANA = list("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモラリルレロ")
GREEK = ["Αλφα", "Δελτα", "Ωμεγα", "Ηλιος", "Νεφελη", "Αστρο", "Θαλασσα"]


def _brand(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()


def company_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.6:
        words = [_brand(rng)]
        if rng.random() < 0.4:
            words.append(_brand(rng))
        words += rng.sample(INDUSTRY, rng.choice((1, 1, 2)))
        return " ".join(words) + " " + rng.choice(LEGAL)
    if roll < 0.75:
        brand = "".join(rng.sample(HAN, 2))
        return rng.choice(CITIES_HAN) + brand + rng.choice(INDUSTRY_HAN) + "有限公司"
    if roll < 0.87:
        brand = "".join(rng.choice(CYR_SYL) for _ in range(3)).capitalize()
        return f"ООО «{brand} {rng.choice(CYR_WORDS)}»"
    if roll < 0.96:
        return "".join(rng.choice(KANA) for _ in range(rng.choice((3, 4)))) + "株式会社"
    return f"{rng.choice(GREEK)} {_brand(rng)} Α.Ε."


def main() -> None:
    count = int(sys.argv[1])
    out = Path(sys.argv[2])
    out.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1_000_003)
    countries = ["us", "de", "fr", "gb", "cn", "ru", "jp", "gr", "in", "br"]
    with out.open("w", encoding="utf-8") as handle:
        for i in range(count):
            props: dict[str, list[str]] = {
                "name": [company_name(rng)],
                "country": [rng.choice(countries)],
            }
            if rng.random() < 0.33:
                props["alias"] = [company_name(rng)]
            record = {"id": f"synthetic-{i}", "schema": "Company", "properties": props}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
