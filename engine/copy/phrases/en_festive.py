"""English copy: Lunar New Year, Mid-Autumn, Dragon Boat, Lantern, Christmas, New Year, travel."""

from __future__ import annotations

from engine.copy.phrases import Bank, bank

BANKS: dict[str, Bank] = {
    "spring_festival": bank(
        titles=(
            "Happy Lunar New Year|Wishing You Luck and Joy|Happy Spring Festival|"
            "Gong Xi Fa Cai|Good Fortune Ahead|Happy New Year, {name}!|A Year of Blessings|"
            "Peace and Prosperity|[formal]Season's Greetings for the New Year|"
            "[playful]Red Envelopes Welcome"
        ),
        subtitles=(
            "May the new year bring luck, health and reunion|"
            "Lanterns lit, hearts full|Wishing your family a year of blessings"
        ),
        openings=(
            "The lanterns are up and the new year is almost here!|"
            "As the Spring Festival arrives, I am sending you the warmest wishes.|"
            "[formal]As we welcome the new year, thank you for your trust and partnership."
        ),
        wishes=(
            "May the year ahead bring good health, good fortune and happy reunions.|"
            "Wishing you a home full of laughter, dumplings and people you love.|"
            "May everything you hope for this year come true.|"
            "[formal]We wish you a prosperous year and look forward to our work together."
        ),
        closings=(
            "Happy Lunar New Year!|Wishing you luck and joy.|"
            "[formal]With best wishes for a prosperous year."
        ),
    ),
    "mid_autumn": bank(
        titles=(
            "Happy Mid-Autumn Festival|Under the Same Moon|Moonlight and Mooncakes|"
            "Full Moon, Full Hearts|Happy Moon Festival, {name}|Together Under the Moon"
        ),
        subtitles=(
            "However far apart, we share the same bright moon|"
            "May the full moon bring you reunion and joy"
        ),
        openings=(
            "The moon is full tonight, and it made me think of you.|"
            "Wherever you are, we are looking up at the same bright moon.|"
            "[colleague]As the Mid-Autumn Festival arrives, thank you for a wonderful year "
            "together."
        ),
        wishes=(
            "May your festival be full of mooncakes, lanterns and loved ones.|"
            "Wishing you a season of reunion, warmth and gentle evenings.|"
            "May the moonlight carry my wishes all the way to you."
        ),
        closings=("Happy Mid-Autumn!|Enjoy the mooncakes!|Under the same moon, always."),
    ),
    "dragon_boat": bank(
        titles=(
            "Happy Dragon Boat Festival|Wishing You Health and Peace|Zongzi Season!|"
            "Full Speed Ahead"
        ),
        subtitles=("May the festival bring you health and good luck|Paddles up, spirits high"),
        openings=(
            "It's Dragon Boat season: drums on the river and zongzi on the table.|"
            "Sending you festival wishes wrapped up like a zongzi."
        ),
        wishes=(
            "May you stay healthy, happy and full of energy all summer long.|"
            "Wishing you and your family peace and good fortune."
        ),
        closings=("Happy Dragon Boat Festival!|Enjoy the zongzi!"),
    ),
    "lantern_festival": bank(
        titles=("Happy Lantern Festival|Lanterns and Reunion|A Night of Lights"),
        subtitles=(
            "May the lanterns light your way to a bright year|Sweet tangyuan, sweeter company"
        ),
        openings=("The lanterns are glowing and the moon is full.|"),
        wishes=(
            "May your year be round and sweet like a bowl of tangyuan.|"
            "Wishing you a bright, happy and peaceful year."
        ),
        closings=("Happy Lantern Festival!|Enjoy the lights!"),
    ),
    "christmas": bank(
        titles=(
            "Merry Christmas|Season's Greetings|Merry Christmas, {name}!|Joy to You|"
            "Warm Wishes for the Holidays|Let It Snow|Peace, Love and Joy|Home for the Holidays|"
            "[playful]Santa Says Hi|[cute]Jingle All the Way!|"
            "[elegant]Wishing You a Peaceful Christmas"
        ),
        subtitles=(
            "May your holidays sparkle with joy|Cosy nights and bright lights|"
            "Wishing you warmth, peace and good cheer"
        ),
        openings=(
            "The snow is falling, the lights are twinkling, and I'm thinking of you.|"
            "It's the most wonderful time of the year.|"
            "Sending you a little Christmas cheer from {place}."
        ),
        wishes=(
            "May your holidays be full of warmth, laughter and hot chocolate.|"
            "Wishing you cosy nights, good company and a little Christmas magic.|"
            "May the new year bring you everything on your wish list."
        ),
        closings=("Merry Christmas!|Happy holidays!|With love this Christmas."),
    ),
    "new_year": bank(
        titles=(
            "Happy New Year|Hello, New Year|Cheers to the New Year|New Year, New Adventures|"
            "Happy New Year, {name}!|Here's to a Bright Year|Fresh Start|"
            "[elegant]A Quiet, Bright New Year|[playful]New Year, Same Awesome You"
        ),
        subtitles=(
            "May the year ahead be kind to you|Here's to new chapters|"
            "Leave the worries in the old year"
        ),
        openings=(
            "A brand-new year is here, full of blank pages.|"
            "As the clock strikes midnight, my first wish is for you.|"
            "Thank you for being part of such a good year."
        ),
        wishes=(
            "May the new year bring you health, happiness and plenty of good surprises.|"
            "Wishing you bold plans, calm days and lots to celebrate.|"
            "Here's to twelve new months of good things."
        ),
        closings=("Happy New Year!|Cheers to the year ahead!|See you in the new year."),
    ),
    "travel": bank(
        titles=(
            "Greetings from {place}|Wish You Were Here|Hello from {place}|"
            "Postcard from the Road|Sending You a View|Having a Wonderful Time|"
            "Love from Far Away|[playful]Having Fun, Wish You Were Here (Mostly)"
        ),
        subtitles=(
            "The view is lovely, the company would be lovelier|"
            "Sending you a little piece of {place}|"
            "Far away, thinking close"
        ),
        openings=(
            "I'm writing this from {place}, and it's even more beautiful than the pictures.|"
            "I've been walking all day and found a view I wanted to share with you.|"
            "Greetings from the road!"
        ),
        wishes=(
            "I wish you were here to see it with me.|"
            "I'm packing the sunshine in this card and sending it your way.|"
            "Next time, let's come together."
        ),
        closings=("See you soon, with stories to tell.|Missing you from afar.|Wish you were here!"),
    ),
}
