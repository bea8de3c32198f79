"""The PostgreSQL store (issue 14): a server database many editors share.

Nothing is imported here, so naming the package costs nothing; psycopg loads with the
modules that need it, and only when a postgresql:// store is opened.
"""
