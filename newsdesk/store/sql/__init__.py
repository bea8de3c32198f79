"""The facets every SQL backend shares, written once against `core.Core` and `dialect.Dialect`.

A backend (store/sqlite/, store/postgresql/) gives a core (its connection, transactions and
error sentences) and a dialect (the few spellings that must differ); the facets' SQL is
the same text on every backend, with `?` markers (a backend that wants others translates
them in its core).
"""
