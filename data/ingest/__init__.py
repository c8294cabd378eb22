"""Pulling files from the bank's other systems (INTERCHANGE.md)."""
