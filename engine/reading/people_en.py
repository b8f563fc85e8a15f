"""Who an English wish is for: "for my friend Anna", "to my twin brother", "hi mom",
"…, Kate", "my son's first birthday"."""

from __future__ import annotations

import re

EN_REL = (
    r"mom|mum|mother|dad|father|grandma|grandpa|granny|grandmother|grandfather|nana|gran|"
    r"grandad|granddad|wife|husband|girlfriend|boyfriend|partner|fianc[ée]e?|sister|brother|"
    r"sis|son|daughter|niece|nephew|aunt|auntie|uncle|cousin|best friend|friends?|bestie|"
    r"colleagues?|team|boss|manager|librarian|teachers?|neighbou?rs?|family|coworkers?|"
    r"co-workers?|parents|grandparents|in-laws|students|flatmate|roommate|mentor|penpal|coach|"
    r"nurses|guests|class|kids|grandkids|squad|girls|clients|customers|love|sweetheart"
)
EN_NAME = r"[A-Z][a-zà-öø-ÿ'’-]+"
_TITLED = (
    rf"(?:(?:Mr|Mrs|Ms|Dr|Miss|Sergeant|Coach|Aunt|Auntie|Uncle|Grandma|Grandpa)\.?\s+)?{EN_NAME}"
)
EN_NAMES = rf"{_TITLED}(?:\s*(?:&|and)\s*{EN_NAME})?"
# "for my friend Anna", "to my team", "for Tom"; not "moving to Berlin" or "a trip to Rome".
_KIND = (
    r"(?:(?:dear|dearest|darling|lovely|little|big|baby|twin|older|younger|elder|favourite|"
    r"favorite|wonderful|amazing|new|beloved|sweet|late)\s+)*"
)
_WHOSE = rf"(?:all\s+)?(?:(?:my|our)\s+{_KIND}(?:[a-z]+\s+)?|the\s+)"
_FOR = re.compile(
    r"\b(?:for|tell|(?<!moving )(?<!moved )(?<!move )(?<!trip )(?<!going )(?<!back )"
    r"(?<!flying )to)\s+"
    rf"(?:(?:{_WHOSE})?({EN_REL})\b\s*({EN_NAMES})?|(?:(?:my|our)\s+{_KIND})?({EN_NAMES}))"
)
_LEADING = re.compile(rf"^(?:(?:hi|hey|dear|dearest)\s+|my\s+{_KIND})?({EN_REL})\b", re.I)
_FAMILY = re.compile(rf"\bthe\s+(?:whole\s+)?({EN_NAME})\s+family\b|\bthe\s+([A-Z][a-z]+s)\b")
_VOCATIVE = re.compile(
    rf"(?:,|^(?:hi|hey|dear|dearest))\s*(?:(?i:{_KIND})({EN_NAMES}|(?i:{EN_REL})))\s*"
    r"(?=[.!?,—–-]|$)"
)
_AFTER_WISH = re.compile(
    rf"(?i:birthday|anniversary|christmas|new year|valentine's|day|soon|congrats|"
    rf"congratulations|remembering|memory of|\d+(?:st|nd|rd|th)|welcome(?:\s+little|\s+baby)?)"
    rf"\s*,?\s+({EN_NAME}|(?i:{EN_REL}))\b"
)
_REL_NAME = re.compile(rf"\b(?i:{EN_REL})\s+({_TITLED})\b")
_MY_REL = re.compile(rf"\bmy\s+{_KIND}({EN_REL})\b", re.I)
NOT_NAMES = set(
    "Happy Merry Dear The A An My Our Your I We Christmas Birthday New Year Valentine "
    "Valentine's Mother's Father's Card Postcard Congrats Congratulations Thanks Thank Get With "
    "Greetings Lunar Mid-Autumn Ignore Reply All Us Everyone Just Farewell Good Sorry Hello Hi "
    "Welcome Xmas".split()
)
_PARENTAL = set(
    "mom mum mother dad father grandma grandpa granny grandmother grandfather nana gran grandad "
    "granddad auntie aunt uncle".split()
)
KNOWN_PLACES = set(
    "Paris Kyoto Tokyo Berlin Lisbon London Rome Singapore Beijing Shanghai Sydney Bali Iceland "
    "Venice Barcelona Seoul Bangkok Taipei Dali Lijiang Hangzhou Chengdu Alps Osaka".split()
) | {"Hong Kong", "New York"}


def _relation(word: str) -> tuple[str, str]:
    """How the card names a relation: Mum and Grandpa by that name, others as "my sister"."""
    rel = word.lower()
    return (rel.capitalize() if rel in _PARENTAL else f"my {rel}"), rel


def en_recipient(text: str, places: frozenset[str] = frozenset()) -> tuple[str | None, str | None]:
    """(recipient, relation) of an English wish; a relation alone reads "my sister" or "Mum".
    Names in `places` are places the wish names, never people."""

    def _a_name(name: str | None) -> bool:
        if not name:
            return False
        return name.split()[0] not in NOT_NAMES and name not in KNOWN_PLACES | places

    family = _FAMILY.search(text)
    if family and _a_name(family.group(1) or family.group(2)):
        return (f"the {family.group(1)} family" if family.group(1) else family.group(0)), "family"
    related: tuple[str, str] | None = None
    for match in _FOR.finditer(text):
        relation, name, bare = match.group(1), match.group(2), match.group(3)
        if bare and _a_name(bare):
            return bare, None
        if relation:
            if name and _a_name(name):
                return name, relation.lower()
            related = related or _relation(relation)
    called = next((m.group(1) for m in _VOCATIVE.finditer(text) if _a_name(m.group(1))), None)
    if related:
        # "welcome to the team, Priya!": the card is for the one it calls by name
        return (called, None) if called and called[0].isupper() else related
    leading = _LEADING.match(text)
    if leading and leading.group(1).lower() not in {"love", "sweetheart", "class"}:
        return _relation(leading.group(1))
    for pattern in (_VOCATIVE, _AFTER_WISH, _REL_NAME):
        for match in pattern.finditer(text):
            word = match.group(1)
            if re.fullmatch(EN_REL, word, re.I):
                return _relation(word)
            if word[0].isupper() and _a_name(word):
                return word, None
    mine = _MY_REL.search(text)
    return _relation(mine.group(1)) if mine else (None, None)
