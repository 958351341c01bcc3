"""The plugin host: pluggy manager, entry-point loading and the registry of what plugins offer."""
