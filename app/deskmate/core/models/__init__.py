"""Model files: the embedded default, and (later) the catalog and downloads."""
