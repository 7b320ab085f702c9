"""Buyers and suppliers, their members and roles, and invitations to join them."""
