"""The HTTP service's parts: the JSON API, the web pages, and what they share."""
