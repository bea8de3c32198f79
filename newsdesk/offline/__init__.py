"""Offline reading: local copies of what articles need, so what was read stays readable."""
