"""How each occasion looks and feels by default: palettes, motifs, scenery, tone and layouts.

Palette roles, in order: sky top, sky bottom, scenery, accent (the main motif colour),
highlight (glows, moon, candles) and secondary (foliage, second motif colour).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """The default look of one occasion."""

    palettes: tuple[tuple[str, ...], ...]
    heroes: tuple[str, ...]
    particles: tuple[str, ...]
    scenes: tuple[str, ...]
    tone: str
    emotion: str
    layouts: tuple[str, ...]
    text_areas: tuple[str, ...] = ("top", "bottom")

    @classmethod
    def of(
        cls, *palettes: str, look: str, mood: str, text_areas: tuple[str, ...] = ("top", "bottom")
    ) -> Profile:
        """A profile from palette rows of hex colours and two `|`-separated summaries.

        `look` is "heroes | particles | scenes"; `mood` is "tone | emotion | layouts".
        """
        heroes, particles, scenes = (part.split() for part in look.split("|"))
        tone, emotion, layouts = (part.strip() for part in mood.split("|"))
        return cls(
            palettes=tuple(tuple(row.split()) for row in palettes),
            heroes=tuple(heroes),
            particles=tuple(particles),
            scenes=tuple(scenes),
            tone=tone,
            emotion=emotion,
            layouts=tuple(layouts.split()),
            text_areas=text_areas,
        )


PROFILES: dict[str, Profile] = {
    "birthday": Profile.of(
        "#FFD6E0 #FFF4D6 #9AD1D4 #FF6F91 #FFC75F #845EC2",
        "#8EC5FC #E0F7FA #7BC67E #FF8C42 #FFD23F #3A86FF",
        "#C3B1E1 #FDE2E4 #8FB9A8 #F25F5C #FFE066 #247BA0",
        "#B8F2E6 #FFF8E7 #5AA9A6 #FF6B6B #FFD166 #6A4C93",
        look="cake balloons gift | confetti balloons stars | hills meadow table",
        mood="warm | joy and affection | flip envelope poster scroll",
    ),
    "wedding": Profile.of(
        "#F7EFE5 #FFFDF8 #C9B79C #D4A373 #F6E7C1 #A3B18A",
        "#F8E1E7 #FFF9F5 #B5C99A #E5989B #E9C46A #7D8F69",
        "#DDE5D3 #FAF7F0 #A3B18A #CDA349 #F2C6C2 #588157",
        look="rings flowers hearts | petals hearts birds | meadow hills",
        mood="romantic | tender joy and promise | envelope flip poster",
    ),
    "anniversary": Profile.of(
        "#2B2D42 #E5989B #6D597A #E56B6F #F6BD60 #355070",
        "#FAD2E1 #FFF1E6 #9A8C98 #9D0208 #D4AF37 #4A4E69",
        "#264653 #E9C46A #2A9D8F #E76F51 #F4A261 #1D3557",
        look="hearts rings moon | stars petals hearts | hills sea",
        mood="romantic | gratitude for years shared | envelope flip scroll",
    ),
    "love": Profile.of(
        "#FF8FAB #FFE5EC #FB6F92 #C9184A #FFF0F3 #FFB3C6",
        "#10002B #5A189A #3C096C #FF4D6D #F8F4FF #9D4EDD",
        "#FFCAD4 #FFF1F3 #9D8189 #D62246 #FFE5D9 #F4ACB7",
        look="hearts moon flowers | hearts stars petals | hills sea city",
        mood="romantic | love and longing | envelope flip poster scroll",
    ),
    "thanks": Profile.of(
        "#F9E0BB #FFF7E8 #8AA672 #E07A5F #F2CC8F #3D405B",
        "#CFE1D8 #F5F1E6 #6B9080 #F4A259 #FFD6A5 #386641",
        "#FFD8BE #FFEEDD #B8B8D1 #F28482 #F6BD60 #84A59D",
        look="flowers sun gift | leaves petals birds | meadow hills",
        mood="warm | heartfelt gratitude | flip envelope poster scroll",
    ),
    "teachers_day": Profile.of(
        "#A8DADC #F1FAEE #457B9D #E63946 #FFB703 #1D3557",
        "#FFE8D6 #FFF8F0 #6B705C #CB997E #F6BD60 #A5A58D",
        "#CDEAC0 #FAFDF6 #5E8C61 #F26419 #F6AE2D #33658A",
        look="books flowers sun | leaves petals stars | hills meadow",
        mood="warm | respect and gratitude | flip envelope scroll",
    ),
    "mothers_day": Profile.of(
        "#FFC8DD #FFF0F6 #90A955 #D1495B #FFAFCC #4F772D",
        "#E2CFEA #FBF7FF #A06CD5 #6247AA #F7AEF8 #7BAE7F",
        "#FEC5BB #FCF5EE #81B29A #E76F51 #F8EDEB #3D405B",
        look="flowers hearts sun | petals hearts butterflies | meadow hills",
        mood="warm | deep love and thanks | envelope flip poster",
    ),
    "fathers_day": Profile.of(
        "#8ECAE6 #E8F4F8 #2A6F97 #FB8500 #FFB703 #023047",
        "#B7D3B0 #F1F7ED #386641 #BC4749 #F2E8CF #6A994E",
        "#3D5A80 #98C1D9 #293241 #EE6C4D #E0FBFC #5C8001",
        look="boat sun mountains | birds clouds leaves | lake mountains hills",
        mood="warm | quiet admiration | flip poster scroll",
    ),
    "graduation": Profile.of(
        "#03045E #0077B6 #023E8A #FFD60A #F8F9FA #00B4D8",
        "#FFF3B0 #FFFBE6 #335C67 #E09F3E #9E2A2B #540B0E",
        "#C77DFF #F3D9FF #7B2CBF #FFD166 #FFFFFF #3C096C",
        look="cap books stars | confetti stars | city hills",
        mood="bright | pride and excitement | poster flip envelope",
    ),
    "congratulations": Profile.of(
        "#FFBE0B #FFF3C4 #3A86FF #FF006E #8338EC #FB5607",
        "#F4D35E #FAF0CA #0D3B66 #EE964B #F95738 #083D77",
        "#90E0EF #CAF0F8 #0096C7 #F72585 #FFD60A #7209B7",
        look="balloons gift stars | confetti fireworks stars | city hills",
        mood="bright | celebration and pride | poster flip scroll",
    ),
    "new_baby": Profile.of(
        "#FFC8DD #BDE0FE #A2D2FF #FFAFCC #FFFFFF #CDB4DB",
        "#D8F3DC #F7FFF9 #95D5B2 #FFB4A2 #FFF1C1 #74C69D",
        "#FFF1C1 #FFFCF0 #B5EAD7 #C7CEEA #FFDAC1 #E2F0CB",
        look="moon clouds balloons | stars clouds hearts | clouds hills",
        mood="cute | tender wonder | flip envelope poster",
    ),
    "get_well": Profile.of(
        "#CAF0F8 #FFFBEA #95D5B2 #FFB703 #FB8500 #2D6A4F",
        "#E4C1F9 #FCF6FF #A9DEF9 #FF99C8 #FCF6BD #7FC8F8",
        "#E9F5DB #FEFAE0 #87986A #F4A259 #BC4B51 #5B8E7D",
        look="sun rainbow flowers | leaves petals birds | meadow hills",
        mood="warm | care and hope | flip poster envelope",
    ),
    "sympathy": Profile.of(
        "#8D99AE #EDF2F4 #5C6B7A #6D6875 #F4F1DE #8A9A5B",
        "#B8B8D1 #F4F4F9 #5B5F97 #8E8DAA #FFFFFF #6B705C",
        "#CAD2C5 #F4F1EA #52796F #84A98C #FFFDF6 #354F52",
        look="candle flowers moon | birds leaves stars | mountains lake",
        mood="solemn | quiet sorrow and comfort | poster scroll flip",
    ),
    "spring_festival": Profile.of(
        "#B5121B #E63946 #7A0A12 #FFD166 #FFF3B0 #F4A261",
        "#FFF1D6 #FFE5B4 #C1121F #D62828 #F6BD60 #7F5539",
        "#370617 #9D0208 #6A040F #FFBA08 #FAA307 #DC2F02",
        look="lanterns plum_blossom fireworks | fireworks petals confetti | city hills",
        mood="festive | abundance and reunion | envelope poster flip",
        text_areas=("bottom",),
    ),
    "mid_autumn": Profile.of(
        "#0B132B #1C2541 #3A506B #E63946 #FFE8A3 #5BC0BE",
        "#2D1E4F #6C4F8C #3B2C5E #F28F3B #FFF1C9 #C8553D",
        "#0F3D3E #2C6E6A #14524F #D1495B #FDF0C2 #EDAE49",
        look="moon lanterns mooncake | stars clouds | hills lake city",
        mood="warm | longing and reunion | scroll poster flip",
    ),
    "dragon_boat": Profile.of(
        "#B7E4C7 #E9F5EC #2D6A4F #D00000 #FFBA08 #1B4332",
        "#9BD0E5 #EAF6FA #1B4965 #F95738 #FFD166 #5FA8D3",
        "#D8E2C8 #F7F9EF #40916C #E85D04 #FFD166 #2D6A4F",
        look="boat zongzi sun | leaves birds | lake mountains",
        mood="festive | health and good fortune | poster flip scroll",
    ),
    "lantern_festival": Profile.of(
        "#1B1B3A #693668 #2E1F47 #F4442E #FFD97D #A74482",
        "#3C1518 #69140E #2B0F0E #F2A65A #FFE5A5 #A44200",
        look="lanterns moon fireworks | stars fireworks | city lake",
        mood="festive | bright reunion | poster envelope scroll",
        text_areas=("bottom",),
    ),
    "christmas": Profile.of(
        "#0B2545 #13315C #F4F4F9 #C1121F #FFD166 #1B5E20",
        "#FDF0D5 #FFF8EE #E9EDF0 #B23A48 #FCB9B2 #386641",
        "#A9C5D3 #E8F0F2 #F7F9FA #9E2A2B #F2CC8F #2F5D50",
        look="pine_trees gift stars | snow stars | snowfield city",
        mood="warm | cosy wonder | envelope flip poster scroll",
    ),
    "new_year": Profile.of(
        "#0D1B2A #1B263B #415A77 #FFD60A #F72585 #4CC9F0",
        "#F8EDEB #FFFBF5 #6D6875 #D4A373 #E5989B #B5838D",
        "#240046 #5A189A #3C096C #FF9E00 #FFFFFF #00F5D4",
        look="fireworks stars moon | fireworks confetti stars | city hills",
        mood="festive | hope for a fresh start | poster flip scroll",
    ),
    "travel": Profile.of(
        "#90E0EF #FFF6E5 #0077B6 #F77F00 #FCBF49 #2A9D8F",
        "#A2D2FF #F1F8FF #3D5A80 #EE6C4D #FFE8A3 #4F772D",
        "#FFD6A5 #FFF4E6 #7F5539 #C1121F #F4A261 #588157",
        look="mountains temple sun | birds clouds leaves | sea mountains lake",
        mood="calm | wanderlust and missing you | flip poster scroll",
    ),
    "friendship": Profile.of(
        "#FFE066 #FFF9DB #70C1B3 #F25F5C #FFB4A2 #247BA0",
        "#FFB5A7 #FCD5CE #6D6A75 #F08080 #FFF1E6 #84A59D",
        "#A0E7E5 #E8FFFD #5AA9E6 #FF6392 #FFE45E #7FC8F8",
        look="sun balloons flowers | hearts confetti birds | hills meadow sea",
        mood="warm | easy joy and loyalty | flip envelope poster scroll",
    ),
    "farewell": Profile.of(
        "#F79D65 #FFE5D4 #5F4B66 #F4845F #FFE8D6 #3D405B",
        "#4A4E69 #C9ADA7 #22223B #E07A5F #F2CC8F #9A8C98",
        "#BEE9E8 #F6FFF8 #62B6CB #1B4965 #FFB703 #5FA8D3",
        look="sun boat mountains | birds clouds leaves | sea hills mountains",
        mood="warm | fond goodbye and good luck | flip scroll poster",
    ),
    "retirement": Profile.of(
        "#F6BD60 #F7EDE2 #84A59D #F28482 #F5CAC3 #3D5A80",
        "#9AD1D4 #F1FAEE #3C6E71 #D9A441 #FFFFFF #284B63",
        look="sun boat flowers | birds leaves clouds | sea hills lake",
        mood="warm | gratitude and new freedom | scroll flip poster",
    ),
    "encouragement": Profile.of(
        "#FFB347 #FFF1D0 #4D908E #F3722C #F9C74F #277DA1",
        "#90E0EF #F1FAFF #2A9D8F #E76F51 #FFD166 #264653",
        "#C1D3FE #F7F9FF #5E60CE #FF7B00 #FFD000 #5390D9",
        look="sun mountains rainbow | confetti stars birds | mountains hills",
        mood="bright | courage and belief | poster flip scroll",
    ),
    "apology": Profile.of(
        "#E8DFF5 #FCF8FF #A5B4CB #D77A91 #FCE1E4 #7B8CB5",
        "#FDE2E4 #FFF8F5 #B5C9C3 #E07A5F #F9DCC4 #6D9DC5",
        "#DDE7F0 #F8FBFD #8FA9B8 #C97C9D #FFF1D6 #5F7A8A",
        look="flowers hearts moon | petals leaves | meadow lake hills",
        mood="warm | sincere regret and care | envelope flip scroll",
    ),
    "welcome": Profile.of(
        "#FFD6A5 #FFFBF0 #7FB77E #FF6B6B #FFE66D #4ECDC4",
        "#BDE0FE #F7FBFF #84A59D #F28482 #F6BD60 #3D5A80",
        "#CDEAC0 #FCFFF7 #6A994E #F4845F #FFD166 #386641",
        look="house balloons flowers | confetti birds petals | meadow hills city",
        mood="bright | open arms and a warm hello | flip poster envelope",
    ),
    "remembrance": Profile.of(
        "#2E3A59 #9AA5C4 #4A5577 #C9B6E4 #FFF3D6 #7D8BAE",
        "#B8C0D8 #F3F1F7 #6C7A96 #A58FAA #FFF8E7 #5B6C7D",
        "#D6D2C4 #F6F3EC #7A8471 #B08968 #FFFAF0 #5C677D",
        look="candle moon flowers | stars leaves birds | lake mountains hills",
        mood="solemn | love that outlasts loss | scroll poster flip",
    ),
    "miss_you": Profile.of(
        "#A9DEF9 #F5FBFF #6C91C2 #F28482 #FFE5A5 #4A6FA5",
        "#1B2845 #5C6B9C #2E3B63 #FFB4A2 #FFF1C9 #8FA3D6",
        "#FEC5BB #FFF5F2 #9DB4C0 #E5989B #FCD5CE #6D6875",
        look="moon boat hearts | birds clouds stars | sea lake hills",
        mood="warm | longing across the distance | envelope flip scroll",
    ),
    "housewarming": Profile.of(
        "#FFE8C2 #FFFBF2 #8AB17D #E76F51 #F4A261 #2A9D8F",
        "#D8E2DC #FAFAF7 #9CAFAA #D1495B #EDAE49 #00798C",
        "#FCD5CE #FFF8F4 #A3B18A #BC6C25 #DDA15E #606C38",
        look="house flowers gift | leaves confetti petals | meadow hills",
        mood="warm | the joy of a new home | flip envelope poster",
    ),
    "good_night": Profile.of(
        "#0B1026 #2B2F77 #1B1F4B #F6E7B0 #FFF6D5 #6F6AC9",
        "#141E30 #35477D #22304F #FFD6A5 #FDF6E3 #8E9AAF",
        "#1D2B53 #7E2553 #25305A #FFCCAA #FFF1E8 #83769C",
        look="moon stars cat | stars clouds | hills lake city",
        mood="calm | quiet care at the end of the day | scroll flip envelope",
    ),
    "general": Profile.of(
        "#CDE7F0 #FFF8F0 #88B04B #F67280 #FFD166 #355C7D",
        "#E0C3FC #F9F5FF #8EC5FC #FF9A8B #FFF3B0 #6C5B7B",
        "#FFE5D9 #FFF9F6 #9DB4C0 #E07A5F #F2CC8F #5C6B73",
        look="sun flowers balloons | birds petals clouds | hills meadow sea",
        mood="warm | a small, happy hello | flip envelope poster scroll",
    ),
}
