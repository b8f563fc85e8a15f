"""Shared foundations: settings, domain models, persistence, blob storage, logging."""
