"""Temporal workflows. Import nothing with side effects here: the sandbox re-imports it."""
