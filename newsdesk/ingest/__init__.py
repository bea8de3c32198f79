"""Ingest: fetch -> parse -> normalize -> sanitize -> (store), one module a stage."""
