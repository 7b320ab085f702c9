"""Privacy map declarations for first-party analytics (see privacy/map.py).

Aggregate daily counters only: no user, IP address, visitor id or query string is stored, and a page
whose address carries a value is counted under its URL pattern, so no row relates to a person.
"""

NOT_PERSONAL = {
    "analytics.PageView": "id day path views",
    "analytics.DailyVisitors": "id day visitors",
}
