"""Shared rating scales (data only)."""
