"""Tenderbox: e-procurement and contract management for the UK public sector."""
