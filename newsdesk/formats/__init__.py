"""What NewsDesk writes and reads: OPML, the --json contract, and the comparison reports."""
