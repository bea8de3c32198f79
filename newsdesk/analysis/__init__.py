"""Analysis over stored articles: stories (grouping) and framing (comparison). Pure functions."""
