"""Focal motifs drawn by hand for the illustration: cakes, balloons, rings, lanterns, the
moon, flowers, houses and the like, each standing on a baseline at a given size."""
