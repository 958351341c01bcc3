"""``python -m integration_index``: the same as the ``integration-index`` command."""

from integration_index._cli.main import main

raise SystemExit(main())
