"""Store I/O: opening stores, the one JSON document reader and writer, staging, locks."""
