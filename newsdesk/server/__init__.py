"""The headless server's pure parts: passwords, tokens, sign-in throttling and the
Google Reader dialect (`greader/`), with no store, no HTTP and no Qt, so `newsdesk serve`
only has to wire them to services and a socket."""
