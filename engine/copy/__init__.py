"""The words on the card (step 2): titles, subtitles, bodies and signatures in Chinese or
English from the phrase banks in `copy/phrases/`, addressed to the recipient as the wish names
them, and broken into lines that fit a postcard."""
