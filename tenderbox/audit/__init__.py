"""Append-only, tamper-evident audit trail."""
