"""The HTTP layer: create, status, list, preview, health. Only HTTP concerns live here."""
