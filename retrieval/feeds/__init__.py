"""News feeds: RSS and Atom subscriptions per community, polled for new articles to ingest."""
