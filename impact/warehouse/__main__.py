"""``python -m impact.warehouse``: print or update the table reference of docs/warehouse.md."""

import sys
from pathlib import Path

from impact.warehouse.tables import markdown, with_reference

USAGE = "usage: python -m impact.warehouse --markdown | --update docs/warehouse.md"

match sys.argv[1:]:
    case ["--markdown"]:
        sys.stdout.write(markdown())
    case ["--update", path]:
        Path(path).write_text(with_reference(Path(path).read_text(encoding="utf-8")), encoding="utf-8")
    case _:
        sys.exit(USAGE)
