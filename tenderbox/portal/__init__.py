"""Site-wide pages (home, privacy, cookies, accessibility, contact), health, demo data and worker."""
