"""The ``integration-index`` command line."""
