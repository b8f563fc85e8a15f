"""Word lists, `|`-separated: tones, art styles, colours, motifs, layouts and audiences."""

from __future__ import annotations

TONES: dict[str, str] = {
    "playful": (
        "幽默|搞笑|有趣|俏皮|好玩|逗|funny|humor|humour|playful|silly|cheesy|fun|witty|jokey"
    ),
    "cute": "可爱|萌|卡哇伊|cute|kawaii|adorable|sweet",
    "solemn": "庄重|肃穆|沉痛|深切|solemn|respectful|dignified|deepest",
    "elegant": (
        "优雅|典雅|高级|精致|大气|简约|极简|elegant|classic|classy|sophisticated|minimal|"
        "minimalist|refined|gold and white"
    ),
    "romantic": "浪漫|梦幻|romantic|dreamy|starry|星空",
    "festive": "喜庆|热闹|红火|festive|cheerful|jolly|merry",
    "bright": "鲜艳|活泼|多彩|缤纷|bold|bright|vibrant|colorful|colourful|energetic|pop",
    "formal": "商务|正式|客户|business|formal|professional|corporate|clients|customers",
    "calm": "平静|安静|宁静|淡雅|素雅|治愈|calm|peaceful|serene|quiet|gentle|soothing",
    "nostalgic": "复古|怀旧|老派|vintage|nostalgic|retro|old films",
    "warm": "温馨|温暖|温柔|暖|warm|cozy|cosy|heartfelt|tender|soft",
}
# key: (words, how the style is described in a concept)
ART_STYLES: dict[str, tuple[str, str]] = {
    "pixel": (
        "像素|像素风|马赛克|8位|8-bit|8bit|16-bit|16bit|pixel|pixels|pixel art|pixelated|"
        "retro game|video game|arcade|游戏机|红白机",
        "pixel art on a coarse grid with a small palette",
    ),
    "lineart": (
        "线稿|线描|白描|线条|简笔画|素描|钢笔画|line art|line-art|lineart|line drawing|"
        "outline|outlines|sketch|pen and ink|doodle",
        "line art: dark pen strokes on white paper with one spot colour",
    ),
    "ink": (
        "水墨|水墨画|国风|国画|中国风|山水画|写意|泼墨|ink|ink wash|ink-wash|sumi|sumi-e|"
        "brush painting|chinese painting",
        "水墨 ink painting: brushed ink on rice paper, misty layers, a red seal",
    ),
    "watercolour": (
        "水彩|淡彩|晕染|watercolor|watercolour|watercolors|watercolours|wash|pastel|柔和|粉彩|"
        "aquarelle",
        "soft watercolour wash with paper grain",
    ),
    "papercut": (
        "剪纸|窗花|纸艺|纸雕|paper-cut|papercut|paper cut|paper cutting|layered paper|"
        "cut paper|kirigami",
        "layered paper-cut with soft drop shadows",
    ),
    "retro": (
        "复古|怀旧|年代感|老海报|retro|vintage|risograph|riso|halftone|art deco|woodblock|版画|"
        "浮世绘|ukiyo|screen print|screenprint|letterpress",
        "retro print with halftone dots and limited inks",
    ),
    "minimal": (
        "简约|极简|大气|留白|minimal|minimalist|clean|simple|北欧|nordic|scandinavian|less is more",
        "minimal flat shapes with generous space",
    ),
    "flat": (
        "扁平|插画|flat|vector|cartoon|卡通|可爱|cute|flat design",
        "flat vector illustration with gentle shading",
    ),
}
# key: (words, hex colour)
COLOUR_WORDS: dict[str, tuple[str, str]] = {
    "red": ("红色|大红|中国红|red|crimson", "#C8102E"),
    "gold": ("金色|金黄|gold|golden", "#D4A017"),
    "pink": ("粉色|粉红|粉蓝|粉嫩|pink|rose", "#F4A6C0"),
    "blue": ("蓝色|粉蓝|天蓝|蓝调|blue", "#6FA8DC"),
    "navy": ("藏青|深蓝|navy|midnight", "#1D3557"),
    "green": ("绿色|墨绿|草绿|green|sage", "#6A994E"),
    "mint": ("薄荷|mint|teal", "#8FD3C1"),
    "purple": ("紫色|薰衣草|purple|lavender|violet", "#9D8DF1"),
    "white": ("白色|纯白|white|ivory", "#FBF8F1"),
    "black": ("黑色|black", "#22223B"),
    "orange": ("橙色|橘色|orange|tangerine", "#F28C28"),
    "yellow": ("黄色|鹅黄|yellow|lemon", "#F6D55C"),
    "silver": ("银色|灰色|silver|grey|gray", "#B8C0CC"),
    "brown": ("棕色|咖啡色|brown|caramel", "#9C6644"),
}
# Words in a request that bring a motif to the illustration; names match engine.scene.illustrate.
MOTIF_WORDS: dict[str, str] = {
    "flowers": "花|flower|flowers|floral|bouquet|roses|tulip|daisy",
    "cake": "蛋糕|cake|cupcake|pastel de nata",
    "balloons": "气球|balloon|balloons",
    "stars": "星空|星星|银河|star|stars|starry|galaxy|milky way",
    "moon": "月亮|月光|moon|moonlight",
    "lanterns": "灯笼|lantern|lanterns",
    "snow": "雪|snow|snowy|snowflake|winter",
    "sea": "海|洱海|sea|ocean|beach|waves",
    "lake": "湖|lake|river|江",
    "mountains": "山|苍山|mountain|mountains|alps|hiking",
    "cat": "猫|猫咪|cat|cats|kitten",
    "hearts": "爱心|心形|heart|hearts",
    "maple_leaves": "枫叶|红叶|maple|autumn leaves",
    "temple": "寺|塔|temple|temples|pagoda|shrine",
    "city": "城市|都市|city|skyline|paris|berlin|tokyo",
    "cap": "学士帽|cap and gown|mortarboard",
    "candle": "蜡烛|烛光|candle|candles|candlelight",
    "books": "书|book|books|reading",
    "birds": "鸟|鸽|bird|birds|dove|doves",
    "boat": "船|龙舟|boat|fishing|钓鱼|sailing",
    "rainbow": "彩虹|rainbow|rainbows",
    "pine_trees": "松|森林|pine|forest|麋鹿|reindeer|nordic|北欧",
    "fireworks": "烟花|焰火|fireworks",
    "plum_blossom": "梅花|腊梅|plum blossom|cherry blossom|樱花|sakura",
    "mooncake": "月饼|mooncake|mooncakes",
    "zongzi": "粽子|zongzi|rice dumpling",
    "gift": "礼物|gift|present|presents",
    "sun": "太阳|阳光|sun|sunny|sunshine|summer",
    "music": "音乐|爵士|music|jazz|song",
    "confetti": "彩带|派对|party|confetti",
    "house": "房子|小屋|新家|新居|house|cottage|new home|new flat",
}
NIGHT_WORDS = "星空|银河|夜空|夜晚|星夜|night|starry|midnight|galaxy|milky way|under the stars"
LAYOUT_WORDS: dict[str, str] = {
    "flip": "翻转|翻面|flip",
    "envelope": "信封|拆信|envelope|letter",
    "poster": "海报|全屏|poster|full screen|fullscreen|full-bleed",
    "scroll": "长图|滚动|scroll|story|parallax|slide",
}
AUDIENCES: dict[str, str] = {
    "partner": (
        "老婆|老公|媳妇|爱人|女朋友|男朋友|女友|男友|宝贝|wife|husband|girlfriend|boyfriend|"
        "partner|fiance|fiancee|fiancé|love|sweetheart"
    ),
    "elder": (
        "爷爷|奶奶|外公|外婆|姥姥|姥爷|grandma|grandpa|granny|grandmother|grandfather|nana|"
        "grandparents"
    ),
    "parent": "妈妈|老妈|母亲|爸爸|老爸|父亲|爸妈|父母|mom|mum|mother|dad|father|parents",
    "teacher": "老师|恩师|师父|teacher|teachers|professor",
    "client": "客户|client|clients|customer|customers",
    "senior": "领导|老板|经理|总|主任|教授|boss|manager|director",
    "colleague": "同事|团队|colleague|team|coworker|co-worker|colleagues|coworkers|co-workers",
    "child": "儿子|女儿|宝宝|孩子|son|daughter|niece|nephew|kid|kids",
    "friend": "朋友|好友|老友|闺蜜|兄弟|同学|friend|friends|bestie|buddy",
    "family": (
        "哥哥|姐姐|弟弟|妹妹|表姐|表哥|表妹|表弟|堂姐|堂哥|姐夫|嫂子|叔叔|阿姨|舅舅|姑姑|家人|"
        "一家|sister|brother|aunt|uncle|cousin|family"
    ),
    "neighbour": "邻居|neighbour|neighbor|neighbours|neighbors",
}
