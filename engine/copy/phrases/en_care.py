"""English copy: encouragement, apology, welcome, remembrance, missing you, housewarming and
good night.

These cards say only what the wish implies: never that the sender is away on a trip.
"""

from __future__ import annotations

from engine.copy.phrases import Bank, bank

BANKS: dict[str, Bank] = {
    "encouragement": bank(
        titles=(
            "You've Got This|You've Got This, {name}|Go Get 'Em|Rooting for You|"
            "Believe in Yourself|Good Luck!|Cheering You On|One Step at a Time|"
            "Stronger Than You Know|[playful]Go Forth and Crush It|[cute]You Can Do It!|"
            "[parent]We're Right Behind You, {name}|[formal]Best of Luck"
        ),
        subtitles=(
            "You've prepared for this, now trust it|Whatever happens, I'm proud of you|"
            "Deep breath, you're ready|Every step counts|"
            "[playful]Nerves are just excitement in disguise|[calm]Go gently, you're doing fine"
        ),
        openings=(
            "I wanted to send a little courage your way.|"
            "I've seen how hard you've been working, and how brave you've been.|"
            "Life in {their_place} keeps you busy, and I know how much you're giving it.|"
            "Before anything else: a huge hug, and a reminder of how capable you are.|"
            "[parent]Whatever this week brings, we're with you every step.|"
            "[playful]Reliable sources say someone is about to be brilliant."
        ),
        wishes=(
            "May your mind be clear, your hands steady and your luck generous.|"
            "You don't have to be perfect, just be you, and that is more than enough.|"
            "I hope all that effort shows up exactly when you need it.|"
            "Rest when you need to, but don't give up, you're stronger than you think.|"
            "[playful]May every answer come easily and every question be the one you revised.|"
            "[formal]Wishing you every success."
        ),
        closings=(
            "Go get 'em!|I can't wait to hear how it goes.|Proud of you, always.|"
            "Cheering for you from here.|[formal]With best wishes for your success."
        ),
    ),
    "apology": bank(
        titles=(
            "I'm Sorry|I'm Sorry, {name}|An Apology|Please Forgive Me|I Was Wrong|"
            "Can We Start Again?|[cute]Sorry, Sorry, Sorry|[partner]I'm Sorry, Love|"
            "[formal]Our Sincere Apologies"
        ),
        subtitles=(
            "Some things are easier to write than to say|You matter more than being right|"
            "I've thought about it, and I owe you this|[formal]We're sorry for the trouble"
        ),
        openings=(
            "I've been thinking about what happened, and I was wrong.|"
            "I know a card can't fix it, but I wanted to start with an apology.|"
            "I'm sorry for how I acted, you deserved better from me.|"
            "[partner]I hate that I hurt you, and I'm truly sorry.|"
            "[formal]We're sorry for the inconvenience our mistake has caused you."
        ),
        wishes=(
            "I hope you can forgive me, and let me make it right.|"
            "I'll learn from this and do better.|"
            "You mean too much to me to let this come between us.|"
            "I hope we can talk soon and laugh about it one day.|"
            "[formal]We've put changes in place so that it won't happen again."
        ),
        closings=(
            "Truly sorry.|Whenever you're ready, I'm here to talk.|Thank you for reading this.|"
            "[partner]I'm sorry, and I love you.|[formal]With our sincere apologies."
        ),
    ),
    "welcome": bank(
        titles=(
            "Welcome!|Welcome, {name}|Welcome Aboard|Welcome Home|So Glad You're Here|"
            "Welcome to the Team|Hello and Welcome|[playful]Look Who Just Joined!|"
            "[formal]A Warm Welcome"
        ),
        subtitles=(
            "We've been looking forward to this|There's a place for you here|"
            "[colleague]Ask us anything, anytime|[family]The kettle's on"
        ),
        openings=(
            "Welcome! We're so happy you're here.|"
            "It's lovely to finally have you with us.|"
            "New beginnings can feel a bit strange, so here's a friendly hello to start.|"
            "[family]Welcome home! We've missed you around here.|"
            "[colleague]Welcome to the team, we're glad you picked us.|"
            "[playful]Congratulations, you've officially joined the fun."
        ),
        wishes=(
            "I hope you settle in quickly and feel at home in no time.|"
            "If you need anything at all, just ask.|"
            "May this be the start of something wonderful.|"
            "[family]Put your feet up and let us spoil you for a few days.|"
            "[colleague]We can't wait to see what we'll build together."
        ),
        closings=(
            "Welcome, welcome!|So glad to have you.|See you around!|"
            "[family]Welcome home.|[formal]With a very warm welcome."
        ),
    ),
    "remembrance": bank(
        titles=(
            "In Loving Memory|Remembering {name}|Always in Our Hearts|Forever Missed|"
            "Thinking of You Today|Love Never Leaves|[elder]Remembering You, {name}"
        ),
        subtitles=(
            "Gone from our sight, never from our hearts|The love stays|"
            "Some people are never really gone|You are remembered"
        ),
        openings=(
            "Another year has passed, and I still think of you every day.|"
            "Today I'm remembering you, your laugh and your kindness.|"
            "Some days the missing is quiet, and some days it isn't.|"
            "[elder]I still hear your voice in the kitchen and your stories at the table."
        ),
        wishes=(
            "I carry what you taught me into every ordinary day.|"
            "I hope you know how loved you were, and still are.|"
            "May your memory keep being a blessing to all of us.|"
            "We're doing our best to live the way you'd want us to."
        ),
        closings=("Forever loved.|Always remembered.|Missing you, today and always."),
    ),
    "miss_you": bank(
        titles=(
            "Missing You|Miss You, {name}|Thinking of You|Far Apart, Close at Heart|"
            "Sending a Hug|It's Been Too Long|Take Care of Yourself|[partner]Missing You, Love|"
            "[parent]All Is Well Here, {name}|[cute]Miss You Lots!"
        ),
        subtitles=(
            "No distance is too far for a hug on paper|Thinking of you more than you know|"
            "Stay warm, eat well, call soon|Sending love your way"
        ),
        openings=(
            "It's been too long, and I miss you.|"
            "I've been thinking of you a lot lately.|"
            "How is {their_place} treating you? I hope you're looking after yourself.|"
            "[parent]Everything is fine here, so don't worry about us; we think of you every day.|"
            "[child]I hope you're eating properly and sleeping enough.|"
            "[partner]The days feel longer without you."
        ),
        wishes=(
            "Stay warm, eat well and rest when you can.|"
            "I hope we can catch up properly very soon.|"
            "Wherever you are, I hope today is kind to you.|"
            "[elder]I hope you're keeping well and smiling often."
        ),
        closings=(
            "Miss you.|Call me soon!|Until we see each other again.|"
            "Lots of love, always.|[partner]Missing you more every day."
        ),
    ),
    "housewarming": bank(
        titles=(
            "Happy Housewarming|Home Sweet Home|Congrats on the New Place|"
            "Happy New Home, {name}|Welcome Home|Here's to New Beginnings|"
            "[playful]New Home, Who Dis?|[formal]Congratulations on Your New Home"
        ),
        subtitles=(
            "May every room be full of laughter|Warm lights and good company|"
            "New walls, new memories|[playful]I call dibs on the sofa"
        ),
        openings=(
            "Congratulations on your new home!|"
            "I heard you've got the keys, and I couldn't be happier for you.|"
            "A new place is a fresh start, and you deserve a lovely one.|"
            "[playful]I hope the new place has room for one more at dinner."
        ),
        wishes=(
            "May it be warm in winter, bright in summer and full of friends all year.|"
            "I hope it feels like home from the very first night.|"
            "May your new home hold many happy days.|"
            "[formal]Wishing you every happiness in your new home."
        ),
        closings=(
            "Happy housewarming!|Can't wait to visit.|Enjoy every corner of it.|"
            "[formal]With warm congratulations."
        ),
    ),
    "good_night": bank(
        titles=(
            "Good Night|Good Night, {name}|Sweet Dreams|Sleep Tight|Rest Well|"
            "The Moon Says Hello|[cute]Nighty Night!|[partner]Good Night, Love|"
            "[child]Sleep Tight, Little One"
        ),
        subtitles=(
            "You did enough today|Leave the worries for tomorrow|"
            "The stars are keeping watch|Dream of good things"
        ),
        openings=(
            "It's been a long day, time to rest.|"
            "Before you close your eyes, one last note from me.|"
            "Whatever today was, it's done now, and you did well.|"
            "[partner]You're the last thing on my mind tonight, as always.|"
            "[child]Is the blanket tucked in? The teddy is already yawning."
        ),
        wishes=(
            "May you sleep deeply and wake up feeling new.|"
            "Put the phone down, close your eyes and drift off.|"
            "I hope your dreams are soft and sweet.|"
            "[child]May you dream of flying bears and candy clouds."
        ),
        closings=("Good night.|Sweet dreams.|See you in the morning.|[partner]Night, love you."),
    ),
}
