"""Print one of the README's two set-up commands (``main`` or ``test``).

The README marks them with ``<!-- command: main -->`` / ``<!-- command: test -->`` on the
line before a fenced ``bash`` block; CI runs exactly what the README tells a user to run.
"""

import re
import sys
from pathlib import Path

which = sys.argv[1]
readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
match = re.search(rf"<!-- command: {which} -->\s*```bash\n(.+?)\n```", readme, re.S)
if not match:
    sys.exit(f"README.md has no '<!-- command: {which} -->' block")
print(match.group(1).strip())
