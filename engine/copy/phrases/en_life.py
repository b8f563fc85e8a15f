"""English copy: birthdays, weddings, anniversaries, love, family, friendship, new babies."""

from __future__ import annotations

from engine.copy.phrases import Bank, bank

BANKS: dict[str, Bank] = {
    "birthday": bank(
        titles=(
            "Happy Birthday|Happy Birthday, {name}!|Many Happy Returns|Make a Wish|"
            "Here's to You|It's Your Day|Another Lap Around the Sun|Cheers to Another Year|"
            "Celebrate You|Blow Out the Candles|Best Day of the Year|Hello, New Year of You|"
            "A Toast to You|Shine On, Birthday Star|Sending Birthday Sunshine|"
            "The World Got Better the Day You Arrived|Hip Hip Hooray!|Birthday Wishes, {name}|"
            "To {name}, on Your Birthday|Happy {age} Birthday|Happy {age}, {name}!|"
            "Cake, Candles and You|[playful]Officially Vintage|[playful]Level Up!|"
            "[playful]Age Is Just a Number (A Big One)|[cute]Yay, It's Your Birthday!|"
            "[cute]Sprinkles for You|[elder]Wishing You a Wonderful Birthday|"
            "[elegant]With Warmest Birthday Wishes|[partner]Happy Birthday, My Love|"
            "[colleague]Happy Birthday from the Team"
        ),
        subtitles=(
            "May this year be your brightest yet|All the good things, all year long|"
            "A little card with a lot of love|Wishing you a day as lovely as you are|"
            "Here's to laughter, cake and everything you love|May every wish come true|"
            "[playful]Don't count the candles, enjoy the glow|"
            "[elder]So many years of love, and many more to come|"
            "[partner]Every day with you is worth celebrating|"
            "[child]Grow brave, stay curious, keep shining"
        ),
        openings=(
            "Today is all about you.|Another year has flown by, and you only got more wonderful.|"
            "I circled today on the calendar the moment it appeared.|"
            "It's your birthday, and the whole world should know it.|"
            "Birthdays are the perfect excuse to say how much you matter.|"
            "[playful]Word on the street is that someone special is a year older today.|"
            "[partner]Of all the days in the year, this is my favourite, because it gave me you.|"
            "[elder]What a joy to celebrate you again this year.|"
            "[parent]Thank you for every year of love you have given us.|"
            "[child]Watching you grow is the best thing we have ever done."
        ),
        wishes=(
            "May your year be full of laughter, good news and people who love you.|"
            "I hope the year ahead brings you everything you have been wishing for.|"
            "Wishing you sweet surprises, easy days and adventures worth telling.|"
            "May you stay curious, kind and wonderfully yourself.|"
            "Here's to health, happiness and more cake than is strictly reasonable.|"
            "May every candle on your cake stand for a dream that comes true.|"
            "[playful]May your coffee be strong, your cake be huge and your inbox stay empty.|"
            "[playful]You don't look a day over fabulous.|"
            "[elder]Wishing you good health, gentle days and the company of those you love.|"
            "[partner]I can't wait to celebrate every birthday after this one with you.|"
            "[child]We are so proud of who you are becoming."
        ),
        closings=(
            "Have the happiest of birthdays!|Enjoy every minute of it.|"
            "Make a wish and eat the biggest slice.|Celebrate big today!|"
            "[playful]P.S. Save me a slice of cake.|[partner]Happy birthday, my love.|"
            "[formal]With warmest wishes for the year ahead."
        ),
    ),
    "wedding": bank(
        titles=(
            "Happy Wedding Day|Congratulations, {name}!|Just Married|Two Hearts, One Home|"
            "To Love and Laughter|Happily Ever After Starts Now|Here's to the Newlyweds|"
            "Cheers to Forever|With Love on Your Wedding Day|[elegant]A Lifetime of Love|"
            "[playful]Officially Stuck With Each Other|[romantic]And So the Adventure Begins"
        ),
        subtitles=(
            "Wishing you a lifetime of love and laughter|"
            "May your love grow stronger with every year|Two hearts, one beautiful story|"
            "[playful]Marriage: finding that one person you want to annoy forever"
        ),
        openings=(
            "What a joy it is to see you two begin this new chapter.|"
            "Today the two of you say yes to a lifetime together.|"
            "Love looks good on you both.|"
            "[romantic]The vows, the lights, the smiles: everything about today is glowing."
        ),
        wishes=(
            "May your home be full of laughter, good food and each other.|"
            "Wishing you patience on the hard days and dancing on the good ones.|"
            "May your love be as bright as today and as lasting as the years ahead.|"
            "Here's to a marriage full of adventures, inside jokes and quiet mornings.|"
            "[playful]May you always share the last slice and never fight over the thermostat."
        ),
        closings=(
            "Congratulations and all our love.|Cheers to the happy couple!|"
            "With love on your wedding day.|[elegant]With warmest wishes for a lifetime of love."
        ),
    ),
    "anniversary": bank(
        titles=(
            "Happy Anniversary|Still You, Always You|Happy Anniversary, {name}|"
            "Another Year of Us|Here's to Us|Forever Isn't Long Enough|"
            "Happy {age} Anniversary|Still Falling for You|[romantic]You Are My Favourite Story|"
            "[playful]Still Not Sick of You"
        ),
        subtitles=(
            "Every year with you is my favourite year|Thank you for every ordinary, perfect day|"
            "Our story keeps getting better"
        ),
        openings=(
            "Another year together, and I'd choose you all over again.|"
            "Looking back at everything we have shared, I feel so lucky.|"
            "Do you remember the first time we met? I still do."
        ),
        wishes=(
            "Thank you for the laughter, the patience and the cups of tea.|"
            "Here's to many more years of adventures side by side.|"
            "I love the life we have built, and I can't wait for what comes next."
        ),
        closings=(
            "Happy anniversary, my love.|Here's to us, always.|Forever yours.|"
            "[playful]Dinner's on me. Dishes are on you."
        ),
    ),
    "love": bank(
        titles=(
            "I Love You|Be Mine|You Have My Heart|Happy Valentine's Day|Always You|"
            "My Favourite Person|You Make My Heart Smile|{name}, I Love You|"
            "All My Love|Written in the Stars|[playful]You're Kind of a Big Deal to Me|"
            "[playful]I Like You a Latte|[cute]Love You Lots|[romantic]Under the Same Stars"
        ),
        subtitles=(
            "Every day with you feels like a love song|You are my favourite hello|"
            "Somewhere under the stars, I'm thinking of you|"
            "[playful]Warning: this card contains extreme levels of cheese"
        ),
        openings=(
            "Some things are easier to say on a card.|"
            "I have been meaning to tell you this properly.|"
            "Meeting you was the luckiest thing that ever happened to me.|"
            "[playful]Roses are red, violets are blue, this card is cheesy and so am I for you."
        ),
        wishes=(
            "I want to share every sunrise, every joke and every quiet evening with you.|"
            "Thank you for making ordinary days feel like something special.|"
            "No matter how far apart we are, my heart is always next to yours.|"
            "[playful]You are the only one I'd share my fries with."
        ),
        closings=("Love you, always.|Yours, today and every day.|All my love.|[cute]Hugs!"),
    ),
    "mothers_day": bank(
        titles=(
            "Happy Mother's Day|Thank You, Mom|Love You, {name}|The Best Mom in the World|"
            "For You, With Love|You Are My Home|Flowers for You|[playful]Mom, You're the Best"
        ),
        subtitles=(
            "Your love is the root of everything good in me|"
            "Thank you for always being there|Today, let us take care of you"
        ),
        openings=(
            "For all the years of love, patience and packed lunches: thank you.|"
            "I don't say it enough, so I'm writing it down.|"
            "Every good thing in me started with you."
        ),
        wishes=(
            "I hope today is full of flowers, rest and everything you love.|"
            "May you take a little time for yourself, you deserve it.|"
            "Wishing you good health, easy days and lots of laughter."
        ),
        closings=(
            "Happy Mother's Day, with all my love.|Love you forever.|Thank you for everything."
        ),
    ),
    "fathers_day": bank(
        titles=(
            "Happy Father's Day|Thanks, {name}|My Hero, My Dad|To the Best Dad|"
            "For the Man Who Taught Me Everything|[playful]World's Greatest Dad (Officially)|"
            "[playful]Reel Cool Dad"
        ),
        subtitles=(
            "Thank you for all the quiet ways you show you care|"
            "Your advice still guides me every day|Today is all about you"
        ),
        openings=(
            "You never made a fuss about it, but you were always there.|"
            "I still remember you teaching me to ride a bike, and everything since.|"
            "Today is a good day to say what I don't say often enough."
        ),
        wishes=(
            "I hope your day is slow, sunny and full of your favourite things.|"
            "May the fish be biting and the coffee be strong.|"
            "Wishing you good health and plenty of time for what you love."
        ),
        closings=("Happy Father's Day!|Love you, Dad.|Thanks for everything."),
    ),
    "friendship": bank(
        titles=(
            "Just Because|Thinking of You|Friends Forever|You're My Favourite Person|"
            "So Glad We're Friends|Hello, Friend|{name}, You're the Best|"
            "Lucky to Know You|[playful]Partners in Crime|[cute]You're Sunshine"
        ),
        subtitles=(
            "No reason needed to say you matter|Good friends are the family we choose|"
            "Distance means nothing when someone means everything"
        ),
        openings=(
            "No special occasion, I just wanted you to know I'm thinking of you.|"
            "Some friendships make everything a little easier, and ours is one of them.|"
            "I was smiling about something we did years ago, and had to write."
        ),
        wishes=(
            "Thank you for the laughs, the long talks and the way you always show up.|"
            "I hope your week is full of good coffee and better news.|"
            "Here's to many more years of adventures and terrible jokes."
        ),
        closings=(
            "Love you, friend.|Let's catch up soon!|Always in your corner.|"
            "[playful]P.S. You still owe me a coffee."
        ),
    ),
    "new_baby": bank(
        titles=(
            "Welcome to the World|Hello, Little One|Welcome, {baby}!|Hello, {baby}|"
            "Tiny Toes, Big Love|"
            "Oh Baby!|A Star Is Born|Sweet Dreams, Little One|[cute]Hello, Tiny Human|"
            "[playful]The New Boss Has Arrived"
        ),
        subtitles=(
            "The world just got a little sweeter|Small hands, full hearts|"
            "Welcome to a family full of love"
        ),
        openings=(
            "What wonderful news! Congratulations on your beautiful new arrival.|"
            "A tiny new person has made the world softer overnight.|"
            "We are so happy for your growing family."
        ),
        wishes=(
            "May your little one grow up healthy, happy and surrounded by love.|"
            "Wishing you gentle nights, sweet cuddles and a little sleep.|"
            "May every day bring a new smile and a new first."
        ),
        closings=(
            "Congratulations and lots of love!|Welcome, little one.|"
            "[playful]Good luck, new parents!"
        ),
    ),
}
