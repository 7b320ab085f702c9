"""Outgoing email and the communications archive."""
