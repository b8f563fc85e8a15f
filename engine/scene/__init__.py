"""The illustration (step 3): a layered picture painted with Pillow on a canvas of the
concept's palette roles — sky, scenery, the focal motif, particles, lights — finished in the
concept's art style (watercolour, ink, papercut, flat, retro, minimal, pixel, …)."""
