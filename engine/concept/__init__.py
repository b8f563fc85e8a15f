"""The creative direction (step 1): from the reading, the occasion's profile (palettes, focal
motifs, particles, scenery, tone, layouts) and the request's own colours and art style, a
`Concept` that is deterministic per request and variation."""
