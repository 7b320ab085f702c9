"""Privacy map declarations for publishing (see privacy/map.py).

Releases of the aggregate statistics hold figures about groups of at least ten people or
organisations, after disclosure control (publishing/disclosure.py): no field names, identifies or
links to anyone, and a confidential figure is stored without its value.
"""

NOT_PERSONAL = {
    "publishing.StatisticsRelease": "id covers_through started_at completed_at",
    "publishing.StatisticsLevel": "id release measure level hidden",
    "publishing.StatisticsCell": "id release measure period region authority_type division breakdown shown "
    "count value_pence lower_quartile median upper_quartile",
}
