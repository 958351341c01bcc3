"""Framework definitions shipped with integration-index: data only, one TOML file per framework.

Installed as the package ``integration_index_frameworks`` so that the built-in plugins can read
their definitions with :mod:`importlib.resources`, whether the install is editable or not.
"""
