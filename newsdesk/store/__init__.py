"""Storage. `newsdesk.store.db` is the whole public API; the rest is its implementation."""
