"""phonegen: generate and validate North American telephone numbers at scale."""
