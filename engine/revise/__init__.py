"""A regenerate's revision of each step: a fresh take with a variation derived from the
revision, steered by the person's instruction (tone and length in the copy, palette and
layout in the concept, and so in the picture and the page)."""
