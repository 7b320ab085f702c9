"""Procurements: lots, criteria, documents, timetable, publication, amendments, clarifications, notices."""
