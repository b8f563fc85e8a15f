"""The sample cards and sheets `postcards sample` draws (the README's contact sheet, every art
style on three occasions, a dozen places)."""
