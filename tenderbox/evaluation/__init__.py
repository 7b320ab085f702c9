"""Evaluators, conflicts of interest, selection, scoring, moderation, award, standstill."""
