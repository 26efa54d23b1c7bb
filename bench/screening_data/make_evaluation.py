"""Write `evaluation.tsv`, the held-out screening set (run once; output committed).

No test, threshold or word list is tuned on these rows: they only measure. They come from
kinds of source the development set (`variants.tsv`, made by `make_variants.py`) does not
draw on, and each row says which:

- `list`: spellings as other lists and registers print them (the DoD 1260H list, the
  Entity List's "a.k.a." style, the Consolidated Screening List's capitals, FCC grantee
  names, stock-exchange names);
- `court`: names as court records give them (E.D. Tex. 4:24-cv-268 and 2:22-cv-351, ITC
  337-TA-1133), typos included;
- `script`: Chinese names in traditional characters, and registry names in pinyin;
- `press`: how trade press and procurement notices shorten or misspell names;
- `negative`: companies that must match nothing: near misses of built-in names, other
  Chinese and Russian technology firms in their own scripts, generic-word names.

Columns: query, expected entity id (or NONE), source kind.
"""

from __future__ import annotations

from pathlib import Path

ROWS: list[tuple[str, str, str]] = [
    # --- list: other lists' and registers' spellings -------------------------------------
    ("SHENZHEN DJI INNOVATION TECHNOLOGY CO., LTD.", "dji", "list"),
    ("Shenzhen DJI Innovation Technology Company Limited", "dji", "list"),
    ("Shenzhen DJI Innovation Technology Co Ltd", "dji", "list"),
    ("SZ DJI TECHNOLOGY CO., LTD.", "dji", "list"),
    ("S Z DJI Technology Co Ltd", "dji", "list"),
    ("SZ-DJI Technology Co., Ltd", "dji", "list"),
    ("Da-Jiang Innovations Science and Technology Co., Ltd.", "dji", "list"),
    ("Shenzhen Da Jiang Innovations Sciences & Technologies Company Ltd", "dji", "list"),
    ("SHENZHEN DA JIANG INNOVATIONS SCIENCES AND TECHNOLOGIES CO LTD", "dji", "list"),
    ("SZ DJI OSMO TECHNOLOGY CO.,LTD.", "dji-osmo", "list"),
    ("SZ DJI Osmo Technology Co Ltd", "dji-osmo", "list"),
    ("SZ DJI OSMO TECHNOLOGY COMPANY LIMITED", "dji-osmo", "list"),
    ("AUTEL ROBOTICS CO.,LTD.", "autel-robotics", "list"),
    ("Autel Robotics Company Limited", "autel-robotics", "list"),
    ("SHENZHEN AUTEL INTELLIGENT AVIATION TECHNOLOGY CO LTD", "autel-robotics", "list"),
    ("Autel Intelligent Technology Corp., Ltd. (688208)", "autel-intelligent", "list"),
    ("AUTEL INTELLIGENT TECHNOLOGY CORP LTD", "autel-intelligent", "list"),
    ("EHang Holdings Ltd (EH)", "ehang", "list"),
    ("EHANG HOLDINGS LIMITED", "ehang", "list"),
    ("Guangzhou XAG Co., Ltd.", "xag", "list"),
    ("XAG CO LTD", "xag", "list"),
    ("Xiaomi Corporation (1810.HK)", "xiaomi", "list"),
    ("XIAOMI CORP", "xiaomi", "list"),
    ("Hubsan Technology Company Limited", "hubsan", "list"),
    ("HUBSAN TECHNOLOGY CO LTD", "hubsan", "list"),
    ("Livox Technology Company Ltd", "livox", "list"),
    ("Cogito Tech Company Limited", "cogito-tech", "list"),
    ("COGITO TECH CO LTD", "cogito-tech", "list"),
    ("Red Cat Holdings, Inc. (RCAT)", "red-cat", "list"),
    ("RED CAT HOLDINGS INC", "red-cat", "list"),
    ("AgEagle Aerial Systems Inc. (UAVS)", "ageagle", "list"),
    ("AGEAGLE AERIAL SYSTEMS INC", "ageagle", "list"),
    ("Teledyne Technologies Incorporated", "teledyne", "list"),
    ("TELEDYNE TECHNOLOGIES INC", "teledyne", "list"),
    ("Parrot S.A.", "parrot", "list"),
    ("PARROT SA", "parrot", "list"),
    ("Skydio, Inc.", "skydio", "list"),
    ("SKYDIO INC", "skydio", "list"),
    ("Anduril Industries, Inc.", "anduril", "list"),
    ("ANDURIL INDUSTRIES INC", "anduril", "list"),
    ("Freefly Systems, Inc.", "freefly", "list"),
    ("Inspired Flight Technologies, Inc.", "inspired-flight", "list"),
    ("BRINC Drones, Inc.", "brinc", "list"),
    ("Wingtra AG", "wingtra", "list"),
    ("Quantum-Systems GmbH", "quantum-systems", "list"),
    ("Teal Drones, Inc.", "teal-drones", "list"),
    ("Vantage Robotics, Inc.", "vantage-robotics", "list"),
    ("Ascent AeroSystems Inc.", "ascent-aerosystems", "list"),
    ("Hoverfly Technologies, Inc.", "hoverfly", "list"),
    ("Easy Aerial Inc.", "easy-aerial", "list"),
    # --- court: names as court records give them ----------------------------------------
    ("Shenzen Baiwang Technology Co. Ltd.", "dji-baiwang", "court"),
    ("Shenzhen Baiwang Technology Co., Ltd.", "dji-baiwang", "court"),
    ("SZ DJI Baiwang Technology Co. Ltd.", "dji-baiwang", "court"),
    ("DJI Baiwang", "dji-baiwang", "court"),
    ("Shenzhen Dajiang Baiwang Technology Co., Ltd.", "dji-baiwang", "court"),
    ("SZ DJI Technology Co., Ltd", "dji", "court"),
    ("DJI Technology, Inc", "dji-technology-inc", "court"),
    ("DJI Technology Inc.", "dji-technology-inc", "court"),
    ("DJI Europe B.V", "dji-europe", "court"),
    ("DJI Europe BV.", "dji-europe", "court"),
    ("iFlight Technology Company Ltd.", "dji-iflight-hk", "court"),
    ("iFlight Technology Co., Ltd.", "dji-iflight-hk", "court"),
    ("Autel Robotics USA LLC", "autel-robotics-usa", "court"),
    ("Autel Robotics USA, Inc.", "autel-robotics-usa", "court"),
    ("AUTEL ROBOTICS USA LLC", "autel-robotics-usa", "court"),
    ("Anzu Robotics, LLC", "anzu-robotics", "court"),
    ("Lyno Dynamics, LLC", "lyno-dynamics", "court"),
    ("Victor Hasselblad Aktiebolag", "hasselblad", "court"),
    # --- script: traditional characters, pinyin -----------------------------------------
    ("深圳市大疆創新科技有限公司", "dji", "script"),
    ("大疆創新科技有限公司", "dji", "script"),
    ("大疆創新", "dji", "script"),
    ("深圳市大疆创新科技有限公司 (DJI)", "dji", "script"),
    ("深圳市道通智能航空技術股份有限公司", "autel-robotics", "script"),
    ("道通智能航空技術", "autel-robotics", "script"),
    ("深圳市道通科技股份有限公司", "autel-intelligent", "script"),
    ("道通科技", "autel-intelligent", "script"),
    ("睿熾科技", "ryze-tech", "script"),
    ("覽沃科技", "livox", "script"),
    ("Shenzhen Dajiang Chuangxin Keji Youxian Gongsi", "dji", "script"),
    ("Dajiang Chuangxin", "dji", "script"),
    ("Shenzhen Shi Dajiang Chuangxin Keji", "dji", "script"),
    ("Daotong Zhineng Hangkong", "autel-robotics", "script"),
    ("Shenzhen Daotong Zhineng Hangkong Jishu Gufen Youxian Gongsi", "autel-robotics", "script"),
    # --- press: shortenings and misspellings ---------------------------------------------
    ("Da Jiang Innovation", "dji", "press"),
    ("DJI Innovation Technology", "dji", "press"),
    ("Dajiang Innovations Technology", "dji", "press"),
    ("SZ DJI Tech", "dji", "press"),
    ("DJl Technology", "dji", "press"),
    ("Autel Robotics (Shenzhen)", "autel-robotics", "press"),
    ("Autel Robotcs", "autel-robotics", "press"),
    ("Autell Robotics", "autel-robotics", "press"),
    ("E-Hang", "ehang", "press"),
    ("Ehang Holdings", "ehang", "press"),
    ("XAG Agricultural Drones", "xag", "press"),
    ("Skydio Drones", "skydio", "press"),
    ("Skydeo", "skydio", "press"),
    ("Parrot Drones", "parrot", "press"),
    ("Parot SA", "parrot", "press"),
    ("Teal Drone", "teal-drones", "press"),
    ("Red Cat Holdings", "red-cat", "press"),
    ("Freefly", "freefly", "press"),
    ("Free Fly Systems", "freefly", "press"),
    ("Inspired Flight Technologies", "inspired-flight", "press"),
    ("BRINC", "brinc", "press"),
    ("Brinc Drones", "brinc", "press"),
    ("Wingtra", "wingtra", "press"),
    ("Quantum Systems", "quantum-systems", "press"),
    ("senseFly", "sensefly", "press"),
    ("Sense Fly SA", "sensefly", "press"),
    ("Teledyne FLIR", "teledyne-flir", "press"),
    ("FLIR Systems, Inc.", "flir-systems", "press"),
    ("Anduril", "anduril", "press"),
    ("Performance Drone Works", "pdw", "press"),
    ("Skyfish", "skyfish", "press"),
    ("BlueHalo, LLC", "bluehalo", "press"),
    ("FlightWave Aerospace", "flightwave", "press"),
    ("Altavian", "altavian", "press"),
    ("Anzu", "anzu-robotics", "press"),
    ("Sky Rover", "skyrover", "press"),
    ("Cogito Technologies", "cogito-tech", "press"),
    ("Ryze Robotics", "ryze-tech", "press"),
    ("Livox Lidar", "livox", "press"),
    ("Hasselblad", "hasselblad", "press"),
    ("FIMI Technology", "fimi", "press"),
    # --- negative: must match nothing ----------------------------------------------------
    ("DJ Innovations Ltd", "NONE", "negative"),
    ("Jiang Innovations Inc", "NONE", "negative"),
    ("Shenzhen Innovation Technology Co., Ltd.", "NONE", "negative"),
    ("Shenzhen Technology Co., Ltd.", "NONE", "negative"),
    ("Innovation Sciences and Technologies Ltd", "NONE", "negative"),
    ("Guangzhou Intelligent Equipment Co., Ltd.", "NONE", "negative"),
    ("Robotics Co., Ltd.", "NONE", "negative"),
    ("Autelligent Systems GmbH", "NONE", "negative"),
    ("Auto Robotics Inc", "NONE", "negative"),
    ("Skydive Arizona", "NONE", "negative"),
    ("Sky Dio Hair Salon", "NONE", "negative"),
    ("Parrot Software LLC", "NONE", "negative"),
    ("Teal Health", "NONE", "negative"),
    ("Red Cat Studio", "NONE", "negative"),
    ("Free Flight Wealth", "NONE", "negative"),
    ("Inspired Learning Ltd", "NONE", "negative"),
    ("Brink Aviation Services", "NONE", "negative"),
    ("Quantum Health", "NONE", "negative"),
    ("Wing Tractor Parts", "NONE", "negative"),
    ("Ascent Solar Technologies", "NONE", "negative"),
    ("Vantage Towers AG", "NONE", "negative"),
    ("Hover Energy", "NONE", "negative"),
    ("Blue Halo Events", "NONE", "negative"),
    ("Flight Safety International", "NONE", "negative"),
    ("Xiaomi Feng Restaurant", "NONE", "negative"),
    ("京东方科技集团股份有限公司", "NONE", "negative"),
    ("美的集团股份有限公司", "NONE", "negative"),
    ("杭州海康威视数字技术股份有限公司", "NONE", "negative"),
    ("中兴通讯股份有限公司", "NONE", "negative"),
    ("深圳市汇川技术股份有限公司", "NONE", "negative"),
    ("浙江大华技术股份有限公司", "NONE", "negative"),
    ("Zhejiang Dahua Technology Co., Ltd.", "NONE", "negative"),
    ("Hangzhou Hikvision Digital Technology", "NONE", "negative"),
    ("Shenzhen Inovance Technology", "NONE", "negative"),
    ("BOE Technology Group", "NONE", "negative"),
    ("Midea Group", "NONE", "negative"),
    ("ООО Газпром нефть", "NONE", "negative"),
    ("АО Концерн Калашников", "NONE", "negative"),
    ("Kalashnikov Concern", "NONE", "negative"),
    ("ZALA Aero Group", "NONE", "negative"),
    ("Baykar Technologies", "NONE", "negative"),
    ("Elbit Systems Ltd", "NONE", "negative"),
    ("Israel Aerospace Industries", "NONE", "negative"),
    ("Turkish Aerospace Industries", "NONE", "negative"),
    ("Aeronautics Ltd", "NONE", "negative"),
    ("UAV Navigation SL", "NONE", "negative"),
    ("Delair SAS", "NONE", "negative"),
    ("Schiebel Elektronische Geräte", "NONE", "negative"),
    ("Yuneec International", "NONE", "negative"),
    ("Holy Stone Toys", "NONE", "negative"),
]


def main() -> None:
    here = Path(__file__).parent
    development = {
        line.split("\t")[0]
        for line in (here / "variants.tsv").read_text(encoding="utf-8").splitlines()[1:]
    }
    held_out = [row for row in ROWS if row[0] not in development]
    path = here / "evaluation.tsv"
    lines = ["query\texpected\tsource"] + [f"{q}\t{e}\t{s}" for q, e, s in held_out]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(held_out)} rows to {path.name} ({len(ROWS) - len(held_out)} left out: "
          "the development set has them)")


if __name__ == "__main__":
    main()
