"""Plausible Chinese names, homophone typos, phones and addresses (vectorized).

Surnames follow their rough frequency in China; given names draw from common
characters by sex. Homophone pairs are characters a clerk typing by pinyin
easily swaps (芳/方, 静/靖 …); they produce the "homophone typo" variants.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Zipf-like weights: the first surnames are far more common.
_SURNAME_WEIGHTS = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.9
FEMALE_CHARS = list("芳娜敏静丽艳娟霞秀英华慧玲婷雪琳晶燕红梅兰月萍洁倩颖佳欣怡悦璐瑶琪涵雯蕾薇岚凤琴丹宁")
MALE_CHARS = list("伟强磊军勇杰涛明超斌鹏辉刚平浩波亮峰宇凯俊晨阳龙飞鑫帅健毅坤志文博轩昊然睿哲诚")
HOMOPHONES: dict[str, str] = {
    "芳": "方",
    "娜": "纳",
    "敏": "民",
    "静": "靖",
    "丽": "莉",
    "艳": "燕",
    "燕": "艳",
    "娟": "鹃",
    "霞": "侠",
    "华": "桦",
    "慧": "惠",
    "玲": "凌",
    "婷": "亭",
    "雪": "薛",
    "琳": "林",
    "晶": "精",
    "红": "宏",
    "梅": "媒",
    "兰": "岚",
    "萍": "平",
    "洁": "杰",
    "佳": "家",
    "怡": "宜",
    "瑶": "遥",
    "伟": "玮",
    "强": "蔷",
    "磊": "垒",
    "军": "君",
    "勇": "永",
    "杰": "洁",
    "涛": "滔",
    "明": "铭",
    "超": "潮",
    "斌": "彬",
    "鹏": "朋",
    "辉": "晖",
    "刚": "钢",
    "平": "萍",
    "浩": "昊",
    "波": "博",
    "亮": "良",
    "峰": "锋",
    "宇": "雨",
    "凯": "恺",
    "俊": "骏",
    "晨": "辰",
    "阳": "洋",
    "龙": "隆",
    "飞": "菲",
    "鑫": "欣",
    "健": "建",
    "毅": "义",
    "坤": "昆",
    "志": "智",
    "文": "雯",
    "博": "波",
    "轩": "宣",
    "昊": "浩",
    "然": "冉",
    "睿": "瑞",
    "哲": "喆",
    "诚": "成",
    "宁": "凝",
    "丹": "单",
    "琴": "勤",
    "凤": "风",
    "月": "悦",
    "欣": "馨",
    "悦": "月",
    "颖": "影",
    "雯": "文",
    "倩": "茜",
    "琪": "棋",
    "涵": "含",
    "蕾": "雷",
    "薇": "微",
    "岚": "兰",
    "璐": "露",
    "秀": "绣",
    "英": "瑛",
}
PHONE_PREFIXES = np.array(
    [
        "130",
        "131",
        "133",
        "135",
        "136",
        "137",
        "138",
        "139",
        "150",
        "151",
        "152",
        "155",
        "158",
        "159",
        "177",
        "180",
        "181",
        "186",
        "187",
        "189",
        "199",
    ]
)
ROAD_WORDS = [
    "文一",
    "文二",
    "学院",
    "天目山",
    "莫干山",
    "解放",
    "建国",
    "中山",
    "人民",
    "延安",
    "体育场",
    "凤起",
    "庆春",
    "钱江",
    "江南",
    "滨盛",
    "金城",
    "世纪",
    "新华",
    "和平",
    "青年",
    "环城",
]


def person_names(sex: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Names for people of the given sexes ('F'/'M'): a surname and one or two given characters."""
    n = len(sex)
    surname = rng.choice(np.array(SURNAMES), size=n, p=_SURNAME_WEIGHTS / _SURNAME_WEIGHTS.sum())
    female = np.asarray(sex) == "F"
    first = np.where(female, rng.choice(FEMALE_CHARS, size=n), rng.choice(MALE_CHARS, size=n))
    second = np.where(female, rng.choice(FEMALE_CHARS, size=n), rng.choice(MALE_CHARS, size=n))
    two = rng.random(n) < 0.7
    given = np.where(two, np.char.add(first, second), first)
    return np.char.add(surname, given)


def homophone_typo(names: pd.Series) -> pd.Series:
    """Each name with its last character swapped for a homophone (names without one are unchanged)."""
    last = names.str[-1]
    swapped = last.map(HOMOPHONES).fillna(last)
    return names.str[:-1] + swapped


def has_homophone(names: pd.Series) -> pd.Series:
    """Whether :func:`homophone_typo` changes the name."""
    return names.str[-1].isin(list(HOMOPHONES))


def unique_phones(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` distinct 11-digit mobile numbers."""
    suffix = rng.choice(10**8, size=n, replace=False)
    prefix = PHONE_PREFIXES[suffix % len(PHONE_PREFIXES)]
    return np.char.add(prefix, np.char.zfill(suffix.astype(str), 8))


def unique_addresses(
    city_names: np.ndarray, county_names: np.ndarray, index: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Street addresses, distinct for distinct ``index`` values (the room number encodes it)."""
    n = len(index)
    road = np.char.add(rng.choice(ROAD_WORDS, size=n), rng.choice(np.array(["路", "街", "大道"]), size=n))
    number = rng.integers(1, 400, size=n).astype(str)
    building = (index // 10000 + 1).astype(str)
    room = (index % 10000 + 101).astype(str)
    parts = [
        city_names,
        county_names,
        road,
        number,
        np.full(n, "号"),
        building,
        np.full(n, "幢"),
        room,
        np.full(n, "室"),
    ]
    out = parts[0]
    for part in parts[1:]:
        out = np.char.add(out, part)
    return out
