"""Reports: score cards, development plans, progress and peer reviews rendered to Markdown."""
