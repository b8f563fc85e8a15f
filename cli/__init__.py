"""The `postcards` command line."""
