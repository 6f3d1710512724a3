"""Pseudonymisation of participant identifiers (HMAC-SHA256 with a secret key).

The key comes from ``COACHING_PSEUDONYM_KEY`` or from a key file outside the
repository and the warehouse: ``$XDG_CONFIG_HOME/utrecht-impact-coaching/pseudonym.key``
(``~/.config/...`` by default), created on first use with owner-only
permissions. Whoever holds the key can re-link a pseudonym to the
initiative's own code; nobody else can.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd

KEY_ENV = "COACHING_PSEUDONYM_KEY"
PSEUDONYM_PREFIX = "p_"


def default_key_file() -> Path:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "utrecht-impact-coaching" / "pseudonym.key"


def load_key() -> bytes:
    """The pseudonymisation key: from the environment, else the key file (created if missing)."""
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode("utf-8")
    path = default_key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def pseudonymise(initiative_id: str, participant_ids: pd.Series, key: bytes) -> pd.Series:
    """Keyed hash of ``initiative_id/participant_id``; codes are per initiative, so the pair is hashed."""

    def one(pid: object) -> object:
        if pid is None or (isinstance(pid, float) and pd.isna(pid)):
            return None
        digest = hmac.new(key, f"{initiative_id}/{pid}".encode("utf-8"), hashlib.sha256).hexdigest()
        return PSEUDONYM_PREFIX + digest[:24]

    return participant_ids.map(one).astype("object")
