"""The JSON API: one router at /api/v1/, each app contributes its endpoints."""
