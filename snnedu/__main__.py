"""``python -m snnedu`` is the ``snnedu`` command."""

from snnedu.cli import main

raise SystemExit(main())
