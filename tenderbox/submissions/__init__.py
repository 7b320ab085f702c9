"""Sealed tender responses, reusable supplier profiles, and the four-eyes opening."""
