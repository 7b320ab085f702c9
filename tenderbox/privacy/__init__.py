"""The personal-data map, the legal-basis register, retention rules, consent records."""
