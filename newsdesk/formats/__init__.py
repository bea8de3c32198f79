"""Formats: what NewsDesk reads and writes for people and other programs (no store here)."""
