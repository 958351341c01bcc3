"""Input and output: TOML text to model objects, score cards to CSV, JSON and Markdown."""
