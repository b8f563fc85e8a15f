"""Well-known places: their names in Chinese and English, a landmark, a scene and a line of copy."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.reading.wording import find_word


@dataclass(frozen=True)
class Place:
    """A place the engine can draw: its landmark motif, its scene and how the copy speaks of it."""

    key: str
    en: str
    zh: str
    words: str
    landmark: str
    scene: str
    line_en: str
    line_zh: str
    palette: tuple[str, ...] = ()
    night: bool = False


def _place(
    key: str,
    names: tuple[str, str],
    words: str,
    look: tuple[str, str],
    lines: tuple[str, str],
    palette: tuple[str, ...] = (),
    night: bool = False,
) -> Place:
    return Place(
        key, names[0], names[1], words, look[0], look[1], lines[0], lines[1], palette, night
    )


_DESERT = ("#F6C27A", "#FCE7C2", "#D9A05B", "#B5523B", "#FFE29A", "#8C5A3C")
PLACES: tuple[Place, ...] = (
    _place(
        "paris",
        ("Paris", "巴黎"),
        "paris|巴黎|eiffel|埃菲尔",
        ("eiffel_tower", "city"),
        (
            "In Paris the Eiffel Tower sparkles on the hour, and every café smells of fresh bread.",
            "巴黎的埃菲尔铁塔每到整点就闪闪发光，街角的咖啡馆飘着面包香。",
        ),
    ),
    _place(
        "london",
        ("London", "伦敦"),
        "london|伦敦|big ben|大本钟",
        ("big_ben", "city"),
        (
            "London's Big Ben keeps time over the Thames, rain or shine.",
            "伦敦的大本钟在泰晤士河畔报着时，无论晴雨。",
        ),
    ),
    _place(
        "new_york",
        ("New York", "纽约"),
        "new york|nyc|manhattan|纽约|曼哈顿",
        ("empire_state", "city"),
        (
            "New York never sleeps, and from the Empire State the whole city glitters.",
            "纽约是不夜城，从帝国大厦望下去，整座城市都在闪烁。",
        ),
    ),
    _place(
        "tokyo",
        ("Tokyo", "东京"),
        "tokyo|东京",
        ("tokyo_tower", "city"),
        ("Tokyo Tower glows orange over the city lights.", "东京塔在万家灯火里亮成温暖的橙色。"),
    ),
    _place(
        "kyoto",
        ("Kyoto", "京都"),
        "kyoto|京都|fushimi|伏见稻荷",
        ("torii", "hills"),
        (
            "Kyoto is all quiet shrines, vermilion gates and maple leaves.",
            "京都有安静的神社、朱红的鸟居和飘落的枫叶。",
        ),
    ),
    _place(
        "beijing",
        ("Beijing", "北京"),
        "beijing|peking|北京|天坛|temple of heaven",
        ("temple_of_heaven", "meadow"),
        (
            "Beijing's Temple of Heaven stands under a wide blue sky.",
            "北京的天坛静立在辽阔的蓝天下。",
        ),
    ),
    _place(
        "shanghai",
        ("Shanghai", "上海"),
        "shanghai|上海|外滩|the bund|东方明珠",
        ("pearl_tower", "harbour"),
        (
            "Shanghai's Bund lights up the river, and the Pearl Tower shines across the water.",
            "上海外滩的灯火映在江面上，东方明珠在对岸闪耀。",
        ),
    ),
    _place(
        "hong_kong",
        ("Hong Kong", "香港"),
        "hong kong|香港|维多利亚港|victoria harbour",
        ("junk_boat", "harbour"),
        (
            "In Hong Kong a red-sailed junk drifts across Victoria Harbour.",
            "香港的维多利亚港上，一艘红帆船慢慢驶过。",
        ),
    ),
    _place(
        "taipei",
        ("Taipei", "台北"),
        "taipei|台北|taipei 101|台北101",
        ("taipei_101", "city"),
        (
            "Taipei 101 rises over the city like a stalk of bamboo.",
            "台北101像一节节竹子，高高立在城市中央。",
        ),
    ),
    _place(
        "west_lake",
        ("West Lake in Hangzhou", "杭州西湖"),
        "hangzhou|west lake|杭州|西湖|雷峰塔",
        ("leifeng_pagoda", "lake"),
        (
            "West Lake in Hangzhou is calm, and Leifeng Pagoda watches over the water.",
            "杭州西湖水光潋滟，雷峰塔静静守着湖面。",
        ),
    ),
    _place(
        "guilin",
        ("Guilin", "桂林"),
        "guilin|li river|桂林|漓江|阳朔|yangshuo",
        ("karst_peaks", "lake"),
        (
            "Guilin's green peaks rise straight out of the Li River.",
            "桂林山水甲天下，青峰一座座立在漓江边。",
        ),
        ("#CFE3DA", "#EEF5EE", "#6FA58A", "#C8553D", "#F3E3B5", "#3F7A62"),
    ),
    _place(
        "xian",
        ("Xi'an", "西安"),
        "xi'an|xi’an|xian|西安|大雁塔|兵马俑",
        ("wild_goose_pagoda", "hills"),
        (
            "Xi'an's Big Wild Goose Pagoda has watched the old capital for thirteen centuries.",
            "西安的大雁塔守望这座古都已有一千三百多年。",
        ),
    ),
    _place(
        "chengdu",
        ("Chengdu", "成都"),
        "chengdu|成都",
        ("panda", "meadow"),
        (
            "Chengdu's pandas are munching bamboo without a care in the world.",
            "成都的大熊猫正悠闲地啃着竹子，无忧无虑。",
        ),
    ),
    _place(
        "sydney",
        ("Sydney", "悉尼"),
        "sydney|悉尼|opera house|歌剧院",
        ("opera_house", "harbour"),
        (
            "Sydney's Opera House opens its white sails over the harbour.",
            "悉尼歌剧院的白色风帆在海港边展开。",
        ),
    ),
    _place(
        "rome",
        ("Rome", "罗马"),
        "rome|roma|罗马|colosseum|斗兽场",
        ("colosseum", "hills"),
        (
            "Rome glows gold at sunset, and the Colosseum has stood for two thousand years.",
            "夕阳下的罗马一片金黄，斗兽场已经伫立了两千年。",
        ),
    ),
    _place(
        "venice",
        ("Venice", "威尼斯"),
        "venice|venezia|威尼斯|gondola|贡多拉",
        ("gondola", "harbour"),
        (
            "In Venice a gondola glides under the bridges of the Grand Canal.",
            "威尼斯的贡多拉从大运河的一座座桥下滑过。",
        ),
    ),
    _place(
        "barcelona",
        ("Barcelona", "巴塞罗那"),
        "barcelona|巴塞罗那|sagrada|圣家堂",
        ("sagrada_familia", "city"),
        (
            "Barcelona's Sagrada Família reaches for the sky, spire after spire.",
            "巴塞罗那的圣家堂一座座尖塔伸向天空。",
        ),
    ),
    _place(
        "istanbul",
        ("Istanbul", "伊斯坦布尔"),
        "istanbul|伊斯坦布尔|bosphorus|博斯普鲁斯",
        ("mosque", "harbour"),
        (
            "Istanbul's domes and minarets stand over the Bosphorus.",
            "伊斯坦布尔的圆顶和宣礼塔立在博斯普鲁斯海峡边。",
        ),
    ),
    _place(
        "cairo",
        ("Cairo", "开罗"),
        "cairo|开罗|埃及|egypt|pyramid|pyramids|金字塔",
        ("pyramids", "desert"),
        (
            "Outside Cairo the pyramids glow in the evening sun.",
            "开罗城外，金字塔在夕阳里闪着金光。",
        ),
        _DESERT,
    ),
    _place(
        "rio",
        ("Rio de Janeiro", "里约热内卢"),
        "rio de janeiro|rio|里约|里约热内卢|copacabana",
        ("christ_redeemer", "sea"),
        (
            "In Rio de Janeiro, Christ the Redeemer opens his arms over the bay.",
            "里约热内卢的基督像在海湾上方张开双臂。",
        ),
    ),
    _place(
        "singapore",
        ("Singapore", "新加坡"),
        "singapore|新加坡|marina bay|滨海湾",
        ("marina_bay_sands", "harbour"),
        (
            "Singapore's Marina Bay sparkles after a warm tropical rain.",
            "新加坡的滨海湾在一场热带雨后闪闪发亮。",
        ),
    ),
    _place(
        "seoul",
        ("Seoul", "首尔"),
        "seoul|首尔|汉城|南山塔|namsan",
        ("namsan_tower", "city"),
        (
            "Seoul's N Tower lights up on its hill above the city.",
            "首尔的南山塔在城市上方的山顶亮起灯来。",
        ),
    ),
    _place(
        "bangkok",
        ("Bangkok", "曼谷"),
        "bangkok|曼谷|泰国|thailand|wat arun|郑王庙",
        ("wat_arun", "lake"),
        (
            "Bangkok's Wat Arun glitters on the banks of the Chao Phraya.",
            "曼谷的郑王庙在湄南河畔熠熠生辉。",
        ),
    ),
    _place(
        "bali",
        ("Bali", "巴厘岛"),
        "bali|巴厘岛|巴厘",
        ("bali_gate", "sea"),
        (
            "Bali is temple gates, palm trees and warm sea air.",
            "巴厘岛有古老的寺门、摇曳的椰树和温暖的海风。",
        ),
        ("#FFD6A5", "#FFF3D6", "#2A9D8F", "#E76F51", "#F4D35E", "#264653"),
    ),
    _place(
        "santorini",
        ("Santorini", "圣托里尼"),
        "santorini|圣托里尼",
        ("santorini", "sea"),
        (
            "Santorini is white houses and blue domes above a deep blue sea.",
            "圣托里尼的白房子和蓝圆顶俯瞰着深蓝的爱琴海。",
        ),
        ("#8EC5FC", "#E0F0FF", "#1F5FA8", "#2B59C3", "#FFFFFF", "#F2C14E"),
    ),
    _place(
        "alps",
        ("the Alps", "阿尔卑斯山"),
        "alps|the alps|阿尔卑斯|matterhorn|马特洪峰|瑞士|switzerland|zermatt",
        ("matterhorn", "snowfield"),
        (
            "The Alps are crisp air, snowy peaks and a warm chalet at the end of the day.",
            "阿尔卑斯山的空气清冽，雪峰下有一间温暖的小木屋。",
        ),
    ),
    _place(
        "iceland",
        ("Iceland", "冰岛"),
        "iceland|冰岛|reykjavik|雷克雅未克",
        ("aurora", "snowfield"),
        (
            "In Iceland the northern lights dance green across the night sky.",
            "冰岛的夜空里，绿色的极光在轻轻舞动。",
        ),
        night=True,
    ),
    _place(
        "great_wall",
        ("the Great Wall", "长城"),
        "great wall|长城|八达岭|慕田峪",
        ("great_wall", "mountains"),
        (
            "The Great Wall winds over the hills as far as the eye can see.",
            "长城在群山之间蜿蜒，一眼望不到尽头。",
        ),
    ),
    _place(
        "fuji",
        ("Mount Fuji", "富士山"),
        "fuji|mount fuji|mt fuji|富士山|富士",
        ("mount_fuji", "lake"),
        (
            "Mount Fuji's snowy cap is mirrored in the lake this morning.",
            "富士山的雪顶倒映在清晨的湖面上。",
        ),
    ),
    _place(
        "sahara",
        ("the Sahara", "撒哈拉沙漠"),
        "sahara|撒哈拉",
        ("camel", "desert"),
        (
            "In the Sahara a camel caravan crosses the dunes under a huge sky.",
            "撒哈拉沙漠的沙丘连绵，驼队在辽阔的天空下走过。",
        ),
        _DESERT,
    ),
)
BY_KEY = {place.key: place for place in PLACES}
LANDMARKS = frozenset(place.landmark for place in PLACES)
_LONG_FIRST = sorted(
    ((word, place) for place in PLACES for word in place.words.split("|")),
    key=lambda pair: -len(pair[0]),
)


@dataclass(frozen=True)
class Named:
    """A known place named in a text, and where."""

    place: Place
    start: int
    end: int


def find_places(text: str) -> list[Named]:
    """Every known place a lower-cased text names, in text order, each name once (the longest
    where names overlap: "west lake in hangzhou" is one place, "杭州西湖" too)."""
    found = [
        Named(place, hit.start, hit.end)
        for word, place in _LONG_FIRST
        for hit in find_word(text, word)
    ]
    found.sort(key=lambda named: (named.start, named.start - named.end))
    kept: list[Named] = []
    for named in found:
        if kept and named.start < kept[-1].end:
            continue
        if kept and named.place is kept[-1].place and named.start - kept[-1].end <= 4:
            kept[-1] = Named(named.place, kept[-1].start, named.end)
            continue
        kept.append(named)
    return kept


def find_place(text: str) -> Place | None:
    """The known place named earliest in a lower-cased text; a longer name wins a tie."""
    found = find_places(text)
    return found[0].place if found else None


def place_name(place: Place, language: str) -> str:
    """How the copy names the place in its language."""
    return place.zh if language == "zh" else place.en


def mentions(text: str, place: Place) -> bool:
    """Whether a text already names the place in either language."""
    lowered = text.lower()
    return any(
        re.search(re.escape(name.lower()), lowered)
        for name in (place.en, place.zh, *place.words.split("|"))
    )
