"""Use cases: what a user can do, called alike by the CLI and the window (no Qt here).

Each function takes the store (and settings) as arguments; writes return what changed
(services.changes.Changes) so a face can redraw only that.
"""
