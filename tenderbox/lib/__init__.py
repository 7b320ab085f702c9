"""Helpers with no models: environment parsing, dates, UK reference data, GOV.UK form helpers."""
