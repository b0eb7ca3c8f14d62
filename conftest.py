"""Repository-wide pytest set-up."""

import matplotlib

matplotlib.use("Agg")

collect_ignore = ["snnedu/__main__.py", "setup.py"]
