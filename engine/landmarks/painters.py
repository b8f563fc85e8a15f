"""Every landmark painter by motif name, for the places in engine.reading.places."""

from __future__ import annotations

from collections.abc import Callable

from engine.landmarks import asia as landmarks_asia
from engine.landmarks import china as landmarks_china
from engine.landmarks import europe as landmarks_europe
from engine.landmarks import world as landmarks_world
from engine.scene.paint import Canvas

Painter = Callable[[Canvas, float, float, float], None]
LANDMARK_PAINTERS: dict[str, Painter] = {
    "eiffel_tower": landmarks_europe.eiffel_tower,
    "big_ben": landmarks_europe.big_ben,
    "colosseum": landmarks_europe.colosseum,
    "gondola": landmarks_europe.gondola,
    "sagrada_familia": landmarks_europe.sagrada_familia,
    "mosque": landmarks_europe.mosque,
    "santorini": landmarks_europe.santorini,
    "matterhorn": landmarks_europe.matterhorn,
    "empire_state": landmarks_world.empire_state,
    "opera_house": landmarks_world.opera_house,
    "pyramids": landmarks_world.pyramids,
    "christ_redeemer": landmarks_world.christ_redeemer,
    "aurora": landmarks_world.aurora,
    "camel": landmarks_world.camel,
    "tokyo_tower": landmarks_asia.tokyo_tower,
    "torii": landmarks_asia.torii,
    "namsan_tower": landmarks_asia.namsan_tower,
    "wat_arun": landmarks_asia.wat_arun,
    "bali_gate": landmarks_asia.bali_gate,
    "mount_fuji": landmarks_asia.mount_fuji,
    "marina_bay_sands": landmarks_asia.marina_bay_sands,
    "temple_of_heaven": landmarks_china.temple_of_heaven,
    "pearl_tower": landmarks_china.pearl_tower,
    "junk_boat": landmarks_china.junk_boat,
    "taipei_101": landmarks_china.taipei_101,
    "leifeng_pagoda": landmarks_china.leifeng_pagoda,
    "wild_goose_pagoda": landmarks_china.wild_goose_pagoda,
    "karst_peaks": landmarks_china.karst_peaks,
    "panda": landmarks_china.panda,
    "great_wall": landmarks_china.great_wall,
}
# Landmarks that stand on the far shore when the scene is water, not in the foreground.
SHORE = frozenset(
    {
        "opera_house",
        "pearl_tower",
        "marina_bay_sands",
        "mosque",
        "leifeng_pagoda",
        "wat_arun",
        "santorini",
        "christ_redeemer",
        "mount_fuji",
        "karst_peaks",
        "bali_gate",
    }
)
