"""Users, sign-in, two-factor authentication and sessions."""
