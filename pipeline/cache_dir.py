"""Where zhen keeps what it caches for the user: the translation memory and converted models."""

from __future__ import annotations

import os
from pathlib import Path

APPLICATION = "zhen"


def cache_directory() -> Path:
    """zhen's user cache folder: ``$ZHEN_CACHE_DIR`` when set, else the platform's user cache dir.

    Nothing is created here; callers create what they write.
    """
    configured = os.environ.get("ZHEN_CACHE_DIR", "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APPLICATION, appauthor=False))
