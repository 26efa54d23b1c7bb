"""Write `variants.tsv`, the development set for screening (run once; output committed).

Tests and tuning (the threshold, the generic-word list) use these rows; the held-out
evaluation set (`make_evaluation.py`) is built from other kinds of source and is only
measured. Rows name only what the knowledge base holds: a name it dropped because no
document gives it (XAG's former name XAircraft, EHang's and Xiaomi's Chinese names, ...) is
a gap in the facts, not something the matcher could find, and is left out.

Hand-written rows are name variants of built-in entities as procurement records (FPDS,
state contract lists), FCC filings and the press write them, plus negatives: real
companies outside the drone trade and near-miss names that must match nothing.
Derived rows (seeded, reproducible) add the distortions screening meets in bulk data:
upper case without punctuation, one-letter typos, swapped or added legal forms.
"""

from __future__ import annotations

import random
from pathlib import Path

HAND: dict[str, list[str]] = {
    "dji": [
        "SZ DJI TECHNOLOGY CO LTD",
        "SZ DJI Technology Co. Ltd",
        "S.Z. DJI Technology",
        "DJI Technology Co Ltd",
        "Da Jiang Innovations Science and Technology",
        "Shenzhen Dajiang Innovation Sciences & Technologies Co.",
        "DaJiang Innovations",
        "Shenzhen Da-Jiang Innovations Science and Technology Co., Ltd.",
        "DJI Innovations",
        "Da-Jiang Innovations Sciences and Technologies",
        "深圳市大疆创新科技有限公司",
        "大疆创新科技有限公司",
        "大疆创新",
        "SZ DJI",
        "DJI Co., Ltd.",
        "Shenzhen Da Jiang Innovations",
        "SHENZHEN DA-JIANG INNOVATIONS SCIENCES AND TECH",
    ],
    "dji-technology-inc": [
        "DJI Technology Inc", "DJI Technology, Inc.", "DJI Technology Incorporated"
    ],
    "dji-europe": ["DJI Europe BV", "DJI EUROPE B.V.", "DJI Europe"],
    "hasselblad": ["Victor Hasselblad Aktiebolag", "Hasselblad AB", "Victor Hasselblad"],
    "ryze-tech": ["Ryze Tech", "Shenzhen Ryze Tech Co Ltd", "Ryze Technology", "Ryze Robotics"],
    "livox": ["Livox Technology Co., Ltd.", "Livox Tech", "LIVOX TECHNOLOGY COMPANY LTD"],
    "anzu-robotics": ["Anzu Robotics", "ANZU ROBOTICS LLC", "Anzu Robotics, L.L.C."],
    "cogito-tech": ["Cogito Tech Ltd", "Cogito Tech Co Limited", "COGITO TECH COMPANY"],
    "skyrover": ["SkyRover", "Sky Rover", "SKYROVER LLC"],
    "lyno-dynamics": ["Lyno Dynamics", "Lyno Dynamics LLC", "LYNO DYNAMICS INC"],
    "autel-robotics": [
        "Autel Robotics",
        "Autel Robotics Co Ltd",
        "AUTEL ROBOTICS CO., LTD",
        "Shenzhen Autel Intelligent Aviation Technology",
        "深圳市道通智能航空技术股份有限公司",
        "道通智能航空技术",
        "Autel Robotic",
    ],
    "autel-intelligent": [
        "Autel Intelligent Technology Corp",
        "Autel Intelligent Tech Corp Ltd",
        "深圳市道通科技股份有限公司",
        "Autel Intelligent Technology Corp., Ltd.",
    ],
    "ehang": [
        "EHang Holdings",
        "Ehang Holdings Ltd",
        "E-Hang Holdings",
    ],
    "xiaomi": ["Xiaomi Corp", "XIAOMI CORPORATION", "Xiaomi Inc."],
    "fimi": [
        "FIMI", "Guangzhou Feimi Technology", "Feimi Technology Co", "Guangzhou Feimi Electronic"
    ],
    "xag": ["XAG Co Ltd", "Guangzhou XAG", "XAG Co., Ltd."],
    "hubsan": ["Hubsan", "HUBSAN", "Hubsan Drones"],
    "dji-osmo": ["SZ DJI Osmo Technology", "DJI Osmo Technology Co., Ltd.", "SZ DJI OSMO"],
    "dji-baiwang": ["Baiwang Technology", "Dajiang Baiwang Technology", "DJI Baiwang Tech Co"],
    "dji-iflight-hk": ["iFlight Technology Company Limited", "IFLIGHT TECHNOLOGY CO LTD"],
    "autel-robotics-usa": ["Autel Robotics USA", "Autel Robotics USA Inc", "AUTEL ROBOTICS USA"],
    "skydio": ["Skydio", "Skydio Inc", "SKYDIO, INC.", "Skydio Incorporated"],
    "parrot": ["Parrot", "Parrot S.A.", "Parrot Drones", "PARROT DRONES S.A.S.", "Parrot SA"],
    "red-cat": ["Red Cat Holdings", "RED CAT HOLDINGS INC", "Redcat Holdings"],
    "teal-drones": ["Teal Drones", "TEAL DRONES INC", "Teal Drones, Inc."],
    "freefly": ["Freefly Systems", "FREEFLY SYSTEMS INC", "Free Fly Systems"],
    "inspired-flight": ["Inspired Flight Technologies", "INSPIRED FLIGHT TECHNOLOGIES INC"],
    "brinc": ["BRINC Drones", "Brinc Drones Inc", "BRINC"],
    "wingtra": ["Wingtra", "Wingtra AG", "WINGTRA A.G."],
    "ascent-aerosystems": ["Ascent AeroSystems", "ASCENT AEROSYSTEMS INC", "Ascent Aero Systems"],
    "vantage-robotics": ["Vantage Robotics", "VANTAGE ROBOTICS INC", "Vantage Robotics, Inc"],
    "ageagle": ["AgEagle Aerial Systems", "AGEAGLE AERIAL SYSTEMS INC", "Ag Eagle Aerial Systems"],
    "sensefly": ["senseFly", "SenseFly SA", "SENSEFLY S.A.", "Sense Fly"],
    "teledyne": [
        "Teledyne Technologies",
        "TELEDYNE TECHNOLOGIES INC",
        "Teledyne Technologies Inc.",
    ],
    "teledyne-flir": ["Teledyne FLIR", "TELEDYNE FLIR LLC", "Teledyne Flir, LLC"],
    "altavian": ["Altavian", "ALTAVIAN INC", "Altavian, Inc"],
    "anduril": ["Anduril Industries", "ANDURIL INDUSTRIES INC", "Anduril"],
    "quantum-systems": ["Quantum Systems GmbH", "QUANTUM-SYSTEMS GMBH", "Quantum-Systems"],
    "bluehalo": ["BlueHalo", "Blue Halo LLC", "BLUEHALO, LLC"],
    "skyfish": ["Skyfish", "SKYFISH INC", "Skyfish, Inc."],
    "pdw": [
        "Performance Drone Works",
        "PERFORMANCE DRONE WORKS LLC",
        "Performance Drone Works, L.L.C.",
    ],
    "easy-aerial": ["Easy Aerial", "EASY AERIAL INC", "Easy Aerial Inc."],
    "flightwave": [
        "FlightWave Aerospace Systems",
        "FLIGHTWAVE AEROSPACE SYSTEMS CORP",
        "Flight Wave Aerospace",
    ],
    "hoverfly": ["Hoverfly Technologies", "HOVERFLY TECHNOLOGIES INC", "Hover Fly Technologies"],
    # SDK operators behind drone apps' domains (domains.yaml), screened by the leak analyzer
    "tencent": ["Tencent Holdings Ltd"],
    "alibaba": ["Alibaba Group Holding Limited"],
}

# Real companies outside the drone trade, and near misses of built-in names.
NEGATIVES = [
    "Apple Inc.",
    "Microsoft Corporation",
    "Siemens AG",
    "Huawei Technologies Co., Ltd.",
    "Lenovo Group Limited",
    "BYD Company Limited",
    "ZTE Corporation",
    "Hikvision Digital Technology Co., Ltd.",
    "Dahua Technology Co., Ltd.",
    "Shenzhen Mindray Bio-Medical Electronics",
    "Haier Group Corporation",
    "Gree Electric Appliances",
    "Sany Heavy Industry",
    "Boeing Company",
    "Lockheed Martin Corporation",
    "Northrop Grumman",
    "General Atomics",
    "AeroVironment Inc",
    "Textron Systems",
    "Kratos Defense",
    "Honeywell International",
    "Garmin Ltd",
    "GoPro Inc",
    "Sony Group Corporation",
    "Canon Inc.",
    "Nikon Corporation",
    "Panasonic Holdings",
    "Samsung Electronics Co., Ltd.",
    "LG Electronics",
    "Bosch GmbH",
    "Airbus SE",
    "Thales Group",
    "Safran SA",
    "Leonardo S.p.A.",
    "Rheinmetall AG",
    "Yandex LLC",
    "Kaspersky Lab",
    "Rostec",
    "Gazprom PJSC",
    "ООО Ромашка",
    "Тинькофф Банк",
    "Toyota Motor Corporation",
    "Mitsubishi Heavy Industries",
    "株式会社日立製作所",
    "ソニーグループ株式会社",
    "华为技术有限公司",
    "腾讯控股有限公司",
    "比亚迪股份有限公司",
    "Parrot Analytics",
    "Parrot Bay Trading",
    "Red Bull GmbH",
    "Red Hat Inc",
    "Teal Communications",
    "Vantage Data Centers",
    "Vantage Point Capital",
    "Quantum Computing Inc",
    "Ascent Resources",
    "Freeform Systems",
    "Inspired Entertainment",
    "Sky Studio Ltd",
    "Skylight Robotics",
    "DJ Industries",
    "Dijon Technologies",
    "Da Vinci Innovations",
    "Jiangsu Innovations Co",
    "Autodesk Inc",
    "Autel Motors",
    "Autumn Robotics",
    "Anzen Robotics",
    "Hubspot Inc",
    "Walmart Inc",
    "Potenza Intelligent",
    "Xiaoma Technology",
    "Wing Aviation LLC",
    "Zipline International",
    "Matternet Inc",
    "Skyward IO",
    "Teladoc Health",
    "Teleflex Inc",
    "Altair Engineering",
    "Andrew Industries",
    "Blue Origin LLC",
    "Skyworks Solutions",
    "Easy Jet Airline Company",
    "Flightradar24 AB",
    "Hover Inc",
    "Brink's Company",
    "Wingstop Inc",
    "EchoStar Corp",
    "Sense Photonics",
    "Livongo Health",
    "Cognito Health",
    "General Dynamics",
    "Ryzen Solutions",
    "Feilong Tech",
    "Hasbro Inc",
    "Fidelity Investments",
    "Eagle Aerial Photography",
]

LEGAL = ["Co., Ltd.", "Ltd", "LLC", "Inc.", "Corp.", "Limited", "GmbH", "S.A."]


def _typo(rng: random.Random, name: str) -> str:
    words = name.split()
    legal = {"company", "limited", "corporation", "incorporated", "technologies"}
    long = [
        i
        for i, w in enumerate(words)
        if len(w) >= 6 and w.isascii() and w.isalpha() and w.lower() not in legal
    ]
    if not long:
        return name
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    op = rng.choice(["drop", "swap", "double"])
    if op == "drop":
        w = w[:j] + w[j + 1 :]
    elif op == "swap":
        w = w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def rows(seed: int = 20251222) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = [(q, eid) for eid, qs in HAND.items() for q in qs]
    out += [(q, "NONE") for q in NEGATIVES]
    for eid, qs in HAND.items():
        latin = [q for q in qs if q.isascii()]
        for q in rng.sample(latin, min(2, len(latin))):
            out.append((_typo(rng, q), eid))
        if latin:
            base = rng.choice(latin)
            out.append(
                (f"{base.upper().replace(',', '').replace('.', '')} {rng.choice(LEGAL)}", eid)
            )
    seen: set[str] = set()
    unique = []
    for q, eid in out:
        if q not in seen:
            seen.add(q)
            unique.append((q, eid))
    return unique


def main() -> None:
    path = Path(__file__).with_name("variants.tsv")
    lines = ["query\texpected"] + [f"{q}\t{eid}" for q, eid in rows()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines) - 1} rows to {path.name}")


if __name__ == "__main__":
    main()
