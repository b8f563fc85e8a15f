"""The local engine reads a wish as a person would: occasion, recipient, places and their roles.

The labelled wishes and the travel claims are in tests/data; bench/wish_eval.py reads and scores
them the same way for these tests and for `scripts/dev.sh bench wishes`.
"""

from __future__ import annotations

import re

import pytest

from bench.wish_eval import accuracy, card, claims_in, load_claims, load_wishes, read
from core.models import Concept
from engine.concept.profiles import PROFILES
from engine.copy.phrases import banks
from engine.reading.occasion_words import OCCASIONS
from engine.reading.place_roles import read_places
from engine.reading.places import BY_KEY as PLACES
from engine.reading.wording import find_words
from engine.styles.catalog import STYLES
from providers.prompts import OCCASIONS as PROMPT_OCCASIONS
from providers.response_schema import response_schema

CLAIMS = load_claims()
NEW_OCCASIONS = (
    "encouragement",
    "apology",
    "welcome",
    "remembrance",
    "miss_you",
    "housewarming",
    "good_night",
)
# The eight misread wishes of issue 26: (wish, occasion, recipient, places and roles).
ISSUE_WISHES = [
    (
        "给在成都读大学的妹妹小雨寄一张加油卡，她下周考研",
        "encouragement",
        "小雨",
        {"成都": "recipient"},
    ),
    ("a get-well-soon card for grandpa", "get_well", "Grandpa", {}),
    ("Good luck on your driving test tomorrow", "encouragement", None, {}),
    ("happy 30th to my twin brother", "birthday", "my brother", {}),
    (
        "mum just finished her last round of chemo, a card to cheer her on",
        "encouragement",
        "Mum",
        {},
    ),
    ("爷爷走了一年了", "remembrance", "爷爷", {}),
    ("欢迎新同事小林加入我们团队", "welcome", "小林", {}),
    ("给远在纽约工作的女儿，天冷了多穿衣服", "miss_you", "女儿", {"纽约": "recipient"}),
]


def words_of(wish: str, style: str, variation: int) -> str:
    _, content = card(wish, style, variation)
    return " ".join((content.title, content.subtitle, content.body))


@pytest.mark.parametrize(("wish", "occasion", "recipient", "places"), ISSUE_WISHES)
def test_the_eight_misread_wishes_are_read_right(
    wish: str, occasion: str, recipient: str | None, places: dict[str, str]
) -> None:
    concept, content = card(wish)
    assert concept.occasion == occasion
    assert concept.recipient == recipient
    assert concept.reading is not None
    assert {p.name: p.role for p in concept.reading.places} == places
    if recipient and not recipient.startswith("my "):
        assert recipient in content.body  # named as the wish names them
    for style in STYLES:
        for variation in range(3):
            _, styled = card(wish, style, variation)
            assert not claims_in(styled, CLAIMS), (style, variation, styled)


def test_a_recipients_city_colours_the_picture_and_never_makes_a_travel_card() -> None:
    concept, content = card("给在成都读大学的妹妹小雨寄一张加油卡，她下周考研")
    assert concept.visual_style.motifs[0] == PLACES["chengdu"].landmark  # the panda
    assert "成都" not in content.body  # where she lives is not where the card comes from
    assert "from" not in concept.theme


def test_a_place_the_sender_writes_from_still_makes_a_travel_card() -> None:
    for wish in (
        "从大理寄给你的明信片，洱海和苍山",
        "Greetings from Kyoto — temples",
        "在巴黎旅行，给妈妈寄张明信片",
    ):
        concept, _ = card(wish)
        assert concept.occasion == "travel", wish
        assert concept.reading and concept.reading.places[0].role == "sender", wish


def test_the_labelled_wishes_are_read_right() -> None:
    outcomes = [read(row) for row in load_wishes()]
    assert len(outcomes) >= 300
    wrong = [(o.row.wish, o.row.occasions, o.occasion) for o in outcomes if not o.right]
    share = accuracy(outcomes)
    assert share is not None and share >= 0.95, wrong


def test_no_card_claims_travel_for_a_wish_that_does_not_say_so() -> None:
    misses = []
    for row in load_wishes():
        if row.says_sender_is_away:
            continue
        for number, style in enumerate(STYLES):
            variation = number % 3  # every style, with variations 0-2 spread over them
            found = claims_in(card(row.wish, style, variation)[1], CLAIMS)
            if found:
                misses.append((row.wish, style, variation, found))
    assert not misses


def test_the_claims_list_catches_a_travel_card() -> None:
    # The check above could not fail if no travel card ever matched the list.
    caught = [
        bool(claims_in(card("从大理寄给你的明信片", style, v)[1], CLAIMS))
        for style in STYLES
        for v in range(3)
    ]
    assert sum(caught) > len(caught) / 2


@pytest.mark.parametrize(
    ("wish", "occasion"),
    [
        ("不是生日，是我们在一起三周年", "anniversary"),
        ("not a birthday card — just thanks for always being there", "thanks"),
        ("谢谢你的生日礼物，我超喜欢", "thanks"),
        ("谢谢李老师这一年的照顾，教师节快乐", "teachers_day"),
        ("happy birthday Noel! hope 25 treats you well", "birthday"),
        ("so sorry for your loss, thinking of you", "sympathy"),
        ("remembering grandpa on what would have been his 90th birthday", "remembrance"),
        ("朋友的父亲去世了，想写几句安慰的话", "sympathy"),
        ("turning 40 card for my husband", "birthday"),
        ("a card for our 40th, to my darling Ruth", "anniversary"),
        ("welcome to the world, little Aria", "new_baby"),
        ("在加油站工作的爸爸，父亲节快乐", "fathers_day"),
        ("Christmas postcard from Paris, snowy and cozy", "christmas"),
        ("hi mom, nothing special, just saying hello", "general"),
    ],
)
def test_context_changes_a_reading(wish: str, occasion: str) -> None:
    assert card(wish)[0].occasion == occasion


def test_chinese_words_are_read_where_jieba_cuts_them() -> None:
    assert not read_places("作业完成都很晚")  # 完成/都, not 成都
    assert not read_places("南京都下雪了")  # 南京/都, not 京都
    assert not find_words("他想提高考试成绩", "高考")  # 提高/考试
    assert find_words("生日快乐呀小鹿", "生日")  # inside one word, 生日快乐, it still counts
    assert card("给在北京工作的哥哥过生日")[0].recipient == "哥哥"  # not 的哥


def test_english_words_are_read_in_their_forms() -> None:
    assert find_words("a get-well-soon card", "get well")
    assert find_words("happy mothers day", "mother's day")
    assert find_words("two birthdays this week", "birthday")
    assert not find_words("a pink panda birthday card", "pan")


def test_every_occasion_key_is_listed_for_clients_and_models() -> None:
    keys = {occasion.key for occasion in OCCASIONS}
    assert set(NEW_OCCASIONS) <= keys
    assert keys | {"general"} == set(PROMPT_OCCASIONS.split(", "))


@pytest.mark.parametrize("occasion", NEW_OCCASIONS)
def test_each_new_occasion_has_copy_a_look_and_a_palette(occasion: str) -> None:
    for language in ("zh", "en"):
        bank = banks(language)[occasion]
        for part in (bank.titles, bank.subtitles, bank.openings, bank.wishes, bank.closings):
            assert len(part) >= 2, (language, occasion)
    profile = PROFILES[occasion]
    assert profile is not PROFILES["general"]
    assert len(profile.palettes) >= 3 and profile.heroes and profile.particles
    others = {p for key, other in PROFILES.items() if key != occasion for p in other.palettes}
    assert not set(profile.palettes) & others  # its own colours


@pytest.mark.parametrize(
    ("wish", "occasion", "title_in"),
    [
        ("高考加油！给表弟的卡片", "encouragement", "zh"),
        ("an apology card for my girlfriend, I forgot our anniversary", "apology", "en"),
        ("welcome aboard, Marcus!", "welcome", "en"),
        ("清明节，想念已故的外婆", "remembrance", "zh"),
        ("missing you so much since you moved to Melbourne, Kate", "miss_you", "en"),
        ("乔迁之喜，给朋友的新家", "housewarming", "zh"),
        ("good night, sweet dreams", "good_night", "en"),
    ],
)
def test_a_new_occasion_card_is_written_from_its_own_bank(
    wish: str, occasion: str, title_in: str
) -> None:
    concept, content = card(wish)
    assert concept.occasion == occasion
    templates = [
        re.sub(r"\\\{\w+\\\}", ".+", re.escape(p.text)) for p in banks(title_in)[occasion].titles
    ]
    assert any(re.fullmatch(template, content.title) for template in templates), content.title


def test_the_gemini_schema_has_no_reading() -> None:
    schema = response_schema(Concept)
    assert "reading" not in schema["properties"]
    assert "reading" not in str(schema) and "Reading" not in str(schema)
    assert "reading" in Concept.model_json_schema()["properties"]  # the model itself has it


def test_a_concept_without_a_reading_still_loads() -> None:
    concept, _ = card("生日快乐")
    stored = concept.model_dump(mode="json")
    stored.pop("reading")
    assert Concept.model_validate(stored).reading is None


def test_warm_up_loads_the_segmenter_once_so_the_first_chinese_wish_does_not() -> None:
    """The worker calls engine.warm_up() before polling: afterwards reading Chinese builds
    nothing more (the dictionary would otherwise stall the event loop mid-step)."""
    import engine
    from engine.reading.segment import _build_tokenizer

    engine.warm_up()
    assert _build_tokenizer.cache_info().currsize == 1
    before = _build_tokenizer.cache_info().misses
    concept, _ = card("给在成都读大学的妹妹寄一张加油卡，她下周考研")
    assert concept.occasion == "encouragement"
    assert _build_tokenizer.cache_info().misses == before
