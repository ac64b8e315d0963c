"""Documents from the web: fetching a page without letting a link reach inside the host's network."""
