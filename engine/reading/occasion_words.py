"""The occasion lexicon: which words, in Chinese, English or emoji, point at which occasion.

Words are written `|`-separated and matched as `engine.reading.wording` describes (whole Latin
words in any of their forms, Chinese words where jieba does not cut through them). Strong words
score 3, weak words 1. Ordered from specific to general: on a tie the earlier occasion wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GENERAL = "general"


@dataclass(frozen=True)
class Occasion:
    """An occasion, the words that announce it and its (Chinese, English) name."""

    key: str
    strong: str = field(repr=False)
    weak: str = field(default="", repr=False)
    labels: tuple[str, str] = ("", "")

    @property
    def label_zh(self) -> str:
        """The occasion's name in Chinese."""
        return self.labels[0]

    @property
    def label_en(self) -> str:
        """The occasion's name in English."""
        return self.labels[1]


OCCASIONS: tuple[Occasion, ...] = (
    Occasion(
        "remembrance",
        "忌日|祭日|在天上|在天堂|天堂的|已故|缅怀|追思|清明|离开我们|in loving memory|"
        "in memory of|remembering|would have been|since we lost|rip|rest in peace|🕯",
        "去世|离世|过世|逝世|passed away|died|death",
        ("追思", "In Loving Memory"),
    ),
    Occasion(
        "anniversary",
        "周年|纪念日|结婚纪念|anniversary|years together|years married",
        "相守|金婚|银婚|first date",
        ("纪念日", "Anniversary"),
    ),
    Occasion(
        "wedding",
        "新婚|婚礼|喜结良缘|喜结连理|百年好合|大婚|订婚|新娘|新郎|wedding|newlyweds|"
        "newly weds|just married|engagement|engaged|bride|groom|tied the knot|结婚|💍|💒",
        "喜酒|新人|married|marry|囍",
        ("新婚", "Wedding"),
    ),
    Occasion(
        "teachers_day",
        "教师节|teacher's day|teachers day|师恩|恩师|一日为师",
        "老师|teacher|园丁|professor|tutor|导师",
        ("教师节", "Teachers' Day"),
    ),
    Occasion(
        "mothers_day",
        "母亲节|mother's day|mom's day|mum's day",
        "妈妈|母亲|老妈|婆婆|mom|mum|mommy|mama",
        ("母亲节", "Mother's Day"),
    ),
    Occasion(
        "fathers_day",
        "父亲节|father's day|dad's day",
        "爸爸|父亲|老爸|dad|daddy|papa",
        ("父亲节", "Father's Day"),
    ),
    Occasion(
        "birthday",
        "生日|生辰|寿辰|大寿|祝寿|寿星|birthday|bday|b-day|hbd|many happy returns|🎂|🧁",
        "蛋糕|蜡烛|cake|candles|岁|🎈|🥳",
        ("生日", "Birthday"),
    ),
    Occasion(
        "retirement",
        "退休|荣休|retire|retirement|retiring|retired",
        labels=("荣休", "Retirement"),
    ),
    Occasion(
        "graduation",
        "毕业|学位|金榜题名|考上|录取|graduation|graduate|graduated|graduating|grad|"
        "class of|diploma|phd done|🎓",
        "学业|degree",
        ("毕业", "Graduation"),
    ),
    Occasion(
        "new_baby",
        "宝宝出生|出生|满月|百天|新生儿|喜得|千金|贵子|来到这个世界|new baby|newborn|new arrival|"
        "welcome little|welcome to the world|baby shower|little one|baby boy|baby girl|👶|🍼",
        "baby|stork",
        ("新生", "New Baby"),
    ),
    Occasion(
        "housewarming",
        "乔迁|新家|新居|新房|暖房|housewarming|house warming|new home|new flat|new house|"
        "new apartment|new place|bought a place|welcome to your new home",
        "搬家|搬进|入住|moved into",
        ("乔迁", "Housewarming"),
    ),
    Occasion(
        "encouragement",
        "加油|考研|高考|中考|面试|鼓励|打气|鼓劲|别灰心|别紧张|一定可以|你能行|相信你|答辩|"
        "good luck|you've got this|you got this|you can do it|break a leg|rooting for you|"
        "cheer him on|cheer her on|cheer you on|cheer them on|hang in there|give her strength|"
        "give him strength|fingers crossed|go team|you'll smash|smash it|勇气",
        "考试|比赛|决赛|考公|雅思|托福|interview|exam|test|match|finals|marathon|chemo|"
        "radiotherapy|treatment|strength",
        ("加油", "You've Got This"),
    ),
    Occasion(
        "get_well",
        "康复|早日康复|住院|生病|手术|感冒|发烧|好起来|get well|feel better|recovery|recover|"
        "recovering|on the mend|hospital|surgery|speedy recovery|chemo|🤒",
        "保重身体|病|ill|sick|flu|rest up|stroke",
        ("康复", "Get Well"),
    ),
    Occasion(
        "sympathy",
        "慰问|哀悼|节哀|安慰|悲痛|sympathy|condolence|loss of|your loss|sorry for your loss|"
        "sorry to hear|mourning",
        "grief|thinking of you after|安息|逝者|rest in peace",
        ("慰问", "With Sympathy"),
    ),
    Occasion(
        "spring_festival",
        "春节|新春|拜年|过年|除夕|年夜饭|春联|恭喜发财|红包|迎财神|lunar new year|"
        "chinese new year|spring festival|year of the|🧧",
        "大吉|福字|五福|团圆饭|鞭炮|初五|red envelope",
        ("新春", "Lunar New Year"),
    ),
    Occasion(
        "mid_autumn",
        "中秋|月饼|赏月|mid-autumn|mid autumn|mooncake|moon festival|🥮",
        "团圆|嫦娥|玉兔|full moon|月圆",
        ("中秋", "Mid-Autumn"),
    ),
    Occasion(
        "dragon_boat",
        "端午|粽子|龙舟|dragon boat|zongzi|duanwu",
        labels=("端午", "Dragon Boat Festival"),
    ),
    Occasion(
        "lantern_festival",
        "元宵|汤圆|正月十五|lantern festival|yuanxiao",
        "灯会|猜灯谜|灯谜",
        ("元宵", "Lantern Festival"),
    ),
    Occasion(
        "christmas",
        "圣诞|平安夜|christmas|xmas|x-mas|noel|santa|🎄|🎅",
        "麋鹿|驯鹿|reindeer|雪人|snowman|mistletoe",
        ("圣诞", "Christmas"),
    ),
    Occasion(
        "love",
        "七夕|情人节|表白|我爱你|爱你|520|valentine|i love you|sweetheart|love of my life|"
        "crazy about|❤|💕|💖|😍|💘",
        "浪漫|恋爱|女朋友|男朋友|girlfriend|boyfriend|romantic|my love|in love|老婆|老公|husband|"
        "wife|crush|喜欢了很久",
        ("爱意", "Love"),
    ),
    Occasion(
        "new_year",
        "新年|元旦|跨年|new year|nye|hny|🎆",
        "新的一年|fireworks|烟花|countdown|count down",
        ("新年", "New Year"),
    ),
    Occasion(
        "welcome",
        "欢迎|新同事|新同学|新成员|欢迎回家|加入我们|welcome|welcome aboard|welcome home|"
        "welcome back|to the team|joining us|new colleague|new starter",
        "回家|第一天|first day|new neighbours|new neighbors",
        ("欢迎", "Welcome"),
    ),
    Occasion(
        "apology",
        "对不起|抱歉|道歉|道个歉|致歉|原谅|不该|是我不好|是我的错|sorry|apology|apologise|apologize|"
        "apologies|forgive me|i was wrong|my bad",
        "错了|误会|搞砸|forgot",
        ("抱歉", "I'm Sorry"),
    ),
    Occasion(
        "thanks",
        "谢谢|感谢|感恩|多谢|致谢|thank|thanks|thank-you|grateful|gratitude|appreciation|🙏",
        "帮忙|帮我|appreciate",
        ("感谢", "Thank You"),
    ),
    Occasion(
        "congratulations",
        "恭喜|祝贺|贺喜|升职|晋升|新工作|开业|获奖|大奖|驾照|congrats|congratulations|"
        "promotion|new job|well done|you did it|so proud of you|published|🏆",
        "成功|achievement|passing|🎉|🍾",
        ("恭喜", "Congratulations"),
    ),
    Occasion(
        "farewell",
        "告别|送别|道别|离职|饯行|一路顺风|欢送|搬走|出国|调去|farewell|goodbye|bon voyage|"
        "moving to|moving away|moving back|last day|leaving",
        "再见|远行",
        ("送别", "Farewell"),
    ),
    Occasion(
        "good_night",
        "晚安|好梦|早点休息|早点睡|睡个好觉|睡前|good night|goodnight|sweet dreams|sleep tight|"
        "sleep well|nighty night|night night|bedtime",
        "睡觉",
        ("晚安", "Good Night"),
    ),
    Occasion(
        "travel",
        "旅行|旅游|旅途|度假|寄自|徒步|greetings from|hello from|vacation|travels|"
        "road trip|backpacking|honeymoon|postcard from|✈|🏖",
        "来自|风景|出差|trip|journey|holiday|travel|sightseeing",
        ("旅途", "Greetings"),
    ),
    Occasion(
        "miss_you",
        "想你|想念|思念|好想|惦记|牵挂|好久没见|好久不见|好久没联系|很久没联系|异地|miss you|"
        "missing you|miss her|"
        "miss him|far apart|haven't visited|without you|多穿|穿秋裤|照顾好身体|注意身体",
        "thinking of you|多吃点|天冷了|stay warm|eating well|一切都好|报平安|over in|out there|"
        "怀念",
        ("想你", "Missing You"),
    ),
    Occasion(
        "friendship",
        "友谊|友情|老友|闺蜜|好友|好兄弟|favourite person|favorite person|best friend|bestie|"
        "bff|friendship|galentine|squad",
        "朋友|兄弟|friend|pal|buddy",
        ("友谊", "Friendship"),
    ),
)

# Words that say a note needs no occasion: they outweigh a relation word's hint ("hi mom").
JUST_BECAUSE = Occasion(
    GENERAL,
    "just because|no occasion|nothing special|no reason|just saying hello|just to say hi|"
    "say hi|没什么事|没什么特别|没有特别的理由|随便写|问个好|问好",
    labels=("问候", "Hello"),
)
# Words that contain an occasion word and mean something else: 加油站 is a petrol station,
# 友谊万岁 is not an age, 岁月 is time. They hide the word inside them and score nothing.
FALSE_FRIENDS = Occasion(
    "",
    "加油站|毛病|病毒|万岁|岁月|出生地|老公司|gas station|petrol station|test drive",
)
