"""NewsDesk: read the news, follow a story, compare how outlets frame it."""

__version__ = "0.1.0"
USER_AGENT = f"NewsDesk/{__version__} (+https://github.com/newsdesk-app/newsdesk; feed reader)"
