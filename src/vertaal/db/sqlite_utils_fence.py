"""The one import of sqlite-utils, without the pandas it would load for nothing.

sqlite-utils imports pandas (and through it numpy and pyarrow) at module level whenever pandas is
installed, only to map pandas' column types on insert; vertaal never inserts pandas values. With
pandas installed (the Ray extra brings it) that import cost about 0.5 s of every command's start-up.
While sqlite-utils' modules load, ``pandas`` is marked missing in ``sys.modules`` (its own
``try: import pandas`` then takes the ImportError branch), unless pandas was loaded already, and the
mark is removed afterwards so that anything else may still import pandas.
"""

from __future__ import annotations

import sys

_held_off = "pandas" not in sys.modules
if _held_off:
    sys.modules["pandas"] = None  # type: ignore[assignment]
try:
    import sqlite_utils
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations
finally:
    if _held_off and sys.modules.get("pandas", 0) is None:
        del sys.modules["pandas"]

__all__ = ["Database", "Migrations", "sqlite_utils"]
