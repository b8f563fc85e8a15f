"""English copy: thanks, teachers, graduation, congratulations, get well, sympathy, goodbyes."""

from __future__ import annotations

from engine.copy.phrases import Bank, bank

BANKS: dict[str, Bank] = {
    "thanks": bank(
        titles=(
            "Thank You|Thank You, {name}|With Gratitude|Thanks a Million|You're the Best|"
            "So Grateful for You|A Little Thank You|[colleague]Thank You, Team|"
            "[calm]With Quiet Thanks|[cute]Thank You So Much!|[formal]With Sincere Thanks"
        ),
        subtitles=(
            "Your kindness made all the difference|I noticed, and I'm grateful|"
            "[colleague]We did it together|[neighbour]Lucky to have neighbours like you"
        ),
        openings=(
            "I wanted to take a moment to say a proper thank you.|"
            "Some thanks feel too small to say out loud, so here it is on paper.|"
            "[colleague]It was a hard quarter, and you all carried it with grace.|"
            "[neighbour]Thank you for looking after my little one while I was away."
        ),
        wishes=(
            "Your kindness did not go unnoticed, and it meant more than you know.|"
            "I hope good things find their way back to you.|"
            "[colleague]Take a breath, take a break, and be proud of what we built.|"
            "[formal]We truly appreciate your support and look forward to working together."
        ),
        closings=(
            "Thank you, truly.|With heartfelt thanks.|I owe you one!|"
            "[formal]With sincere appreciation."
        ),
    ),
    "teachers_day": bank(
        titles=(
            "Happy Teachers' Day|Thank You, {name}|Thank You, Teacher|You Made a Difference|"
            "The Best Teacher Ever|With Gratitude for All You Teach"
        ),
        subtitles=(
            "You taught me more than lessons|Thank you for believing in me|"
            "Great teachers light the way"
        ),
        openings=(
            "Thank you for your patience and care this year.|"
            "I still remember the way you made every lesson come alive."
        ),
        wishes=(
            "I hope you know how many lives you have touched.|"
            "May your classroom always be full of curiosity and kindness."
        ),
        closings=("Happy Teachers' Day!|With gratitude and respect.|Thank you for everything."),
    ),
    "graduation": bank(
        titles=(
            "Congratulations, Graduate!|You Did It!|Happy Graduation, {name}|So Proud of You|"
            "The Future Is Yours|Onward and Upward|Hats Off to You|Class of Awesome|"
            "[bright]Go Shine, Graduate!"
        ),
        subtitles=(
            "All the late nights were worth it|The world is waiting for you|"
            "This is only the beginning"
        ),
        openings=(
            "Congratulations on your graduation! We are bursting with pride.|"
            "From the first day of class to this moment, you have worked so hard.|"
            "You made it, and you made it look easy (we know it wasn't)."
        ),
        wishes=(
            "May your next chapter be full of bold choices and happy surprises.|"
            "Go chase the big dreams, and remember we're always cheering for you.|"
            "Wherever you go next, may you keep your curiosity and your kindness."
        ),
        closings=("Congratulations, graduate!|So proud of you.|The best is yet to come."),
    ),
    "congratulations": bank(
        titles=(
            "Congratulations!|Well Done, {name}!|You Did It!|Cheers to You|Bravo!|"
            "Hooray for You|Onward and Upward|[playful]Look at You Go!|[formal]Warm Congratulations"
        ),
        subtitles=(
            "All your hard work paid off|Here's to your next big adventure|"
            "You earned every bit of it"
        ),
        openings=(
            "I just heard the news and had to say congratulations!|"
            "Your hard work has paid off in the best possible way.|"
            "What fantastic news! I am so happy for you."
        ),
        wishes=(
            "May this new chapter be everything you hoped for and more.|"
            "Wishing you great colleagues, exciting projects and a well-earned celebration.|"
            "Here's to many more wins to come."
        ),
        closings=(
            "Congratulations again!|Let's celebrate soon.|Cheers to you!|"
            "[playful]Drinks are on you, obviously."
        ),
    ),
    "get_well": bank(
        titles=(
            "Get Well Soon|Feel Better Soon, {name}|Sending Healing Thoughts|Rest Up|"
            "Thinking of You|Brighter Days Ahead|Sending Sunshine|[playful]Germs, Be Gone!"
        ),
        subtitles=("Take all the time you need|Wishing you a gentle recovery|One day at a time"),
        openings=(
            "I was sorry to hear you're not feeling well.|"
            "I'm thinking of you every day and sending all my warmest wishes.|"
            "Rest is the only task on your list right now."
        ),
        wishes=(
            "May each day bring you a little more strength and a lot more comfort.|"
            "I hope you're back on your feet and feeling like yourself very soon.|"
            "Be gentle with yourself and let us take care of the rest."
        ),
        closings=("Get well soon!|Sending love and hugs.|We miss you and can't wait to see you."),
    ),
    "sympathy": bank(
        titles=(
            "With Deepest Sympathy|In Loving Memory|Thinking of You|With Heartfelt Condolences|"
            "Holding You in My Heart|Love Remains"
        ),
        subtitles=(
            "Love does not end, it only changes shape|Memories are a quiet kind of company|"
            "May you feel surrounded by love"
        ),
        openings=(
            "I was so sorry to hear of your loss.|"
            "There are no right words, but I wanted you to know I'm here.|"
            "My heart goes out to you and your family."
        ),
        wishes=(
            "May the memories you shared bring you comfort in the days ahead.|"
            "Please be gentle with yourself, and lean on those who love you.|"
            "If there is anything at all I can do, I am only a call away."
        ),
        closings=("With deepest sympathy.|Thinking of you.|With love and care."),
    ),
    "farewell": bank(
        titles=(
            "Farewell and Good Luck|Bon Voyage, {name}!|We'll Miss You|Until We Meet Again|"
            "Go Get 'Em|New Adventures Await|Goodbye for Now|[playful]Don't Forget Us!|"
            "[playful]Who Will Eat Our Snacks Now?"
        ),
        subtitles=(
            "Goodbyes are just the start of new stories|Wherever you go, go with heart|"
            "The next chapter is lucky to have you"
        ),
        openings=(
            "It won't be the same without you around.|"
            "We are sad to see you go, but so excited for what's next.|"
            "Working with you has been a joy and a privilege."
        ),
        wishes=(
            "May your new home in {their_place} treat you as well as you treated us.|"
            "Wishing you smooth travels, good neighbours and great adventures.|"
            "Go be brilliant somewhere new, and keep in touch."
        ),
        closings=(
            "Good luck and keep in touch!|We'll miss you.|Until next time!|"
            "[playful]P.S. Send pictures. And snacks."
        ),
    ),
    "retirement": bank(
        titles=(
            "Happy Retirement|Congratulations, {name}!|Enjoy Your Next Chapter|"
            "Well-Deserved Rest|Thank You for Everything|[playful]Permanently Out of Office"
        ),
        subtitles=(
            "Thank you for years of dedication|Now the fun really begins|"
            "Here's to long mornings and new adventures"
        ),
        openings=(
            "After so many years of hard work, you have earned every moment of this.|"
            "Your dedication has shaped everyone who worked with you."
        ),
        wishes=(
            "May your days be filled with hobbies, travel and long lunches.|"
            "Wishing you good health and all the time in the world for what you love."
        ),
        closings=("Happy retirement!|Enjoy every minute.|With gratitude and respect."),
    ),
    "general": bank(
        titles=(
            "Hello There|A Little Note for You|Thinking of You|Sending Good Vibes|"
            "Have a Lovely Day|Just Saying Hi|A Postcard for You|Hello, {name}"
        ),
        subtitles=(
            "A small card with a big smile|Wishing you a bright day|Just because you matter"
        ),
        openings=(
            "No special reason, I just wanted to send you a little something.|"
            "I was thinking of you today and wanted to say hello.|"
            "Here's a small card to carry a big smile."
        ),
        wishes=(
            "I hope your day is full of sunshine, good news and kind people.|"
            "May this little card make you smile, even just a bit.|"
            "Wishing you calm mornings and happy evenings."
        ),
        closings=("Take care!|Talk soon.|All the best."),
    ),
}
