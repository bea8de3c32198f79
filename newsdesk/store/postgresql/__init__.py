"""The PostgreSQL store: a team's shared database (see newsdesk.store.api.Store)."""
