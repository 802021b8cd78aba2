"""The audit chain's secret keys and its head file, both kept outside the database (ADR 0562).

Each audit entry is signed with HMAC-SHA256 under the newest key of a key ring
and names the key it used, so a key can be rotated without rewriting the
append-only log. The ring is ``PROCURA_AUDIT_KEY`` (one hex key, id ``env``) or
the file ``<workspace>/audit.key`` (``id hex`` per line, owner-only, created on
first use; ``procura audit rotate-key`` appends a new key). Whoever can write
the database but not the workspace cannot re-sign a rebuilt chain.

At each commit that appended entries the new chain head (``seq hash``) is
appended to ``<workspace>/audit.head``, so a dropped tail or a swapped database
no longer matches the heads written before.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from procura.config import Settings

_PENDING = "audit_head_pending"
# Rings read from key files, by workspace, with the file's modification time (re-read after a rotation).
_RINGS: dict[Path, tuple[int, Keyring]] = {}


@dataclass(frozen=True)
class Keyring:
    """Audit keys by id (oldest first; the last signs new entries) and the head file."""

    keys: dict[str, bytes]
    head_file: Path

    @property
    def current(self) -> tuple[str, bytes]:
        key_id = next(reversed(self.keys))
        return key_id, self.keys[key_id]


def _private_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _append_line(path: Path, line: str, sync: bool = True) -> None:
    _private_file(path)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, (line + "\n").encode("ascii"))
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def key_file(settings: Settings) -> Path:
    return settings.home / "audit.key"


def head_file(settings: Settings) -> Path:
    return settings.home / "audit.head"


def _new_key_line() -> str:
    return f"{secrets.token_hex(4)} {secrets.token_hex(32)}"


def load_keyring(settings: Settings) -> Keyring:
    """The ring of ``settings``: the environment's key, else the key file (created when missing)."""
    if settings.audit_key is not None:
        raw = settings.audit_key.get_secret_value().strip()
        try:
            key = bytes.fromhex(raw)
        except ValueError as exc:
            raise ValueError("PROCURA_AUDIT_KEY must be hex (at least 32 bytes)") from exc
        if len(key) < 32:
            raise ValueError("PROCURA_AUDIT_KEY must be hex (at least 32 bytes)")
        return Keyring({"env": key}, head_file(settings))
    path = key_file(settings)
    if not path.exists() or not path.read_text(encoding="ascii").strip():
        _append_line(path, _new_key_line())
    keys: dict[str, bytes] = {}
    for number, line in enumerate(path.read_text(encoding="ascii").splitlines(), 1):
        if line.strip():
            key_id, _, hexkey = line.strip().partition(" ")
            try:
                keys[key_id] = bytes.fromhex(hexkey)
            except ValueError as exc:
                raise ValueError(f"{path}, line {number}: expected '<id> <hex key>'") from exc
    return Keyring(keys, head_file(settings))


def rotate(settings: Settings) -> str:
    """Append a new key to the key file; entries from now on are signed with it. Returns its id."""
    if settings.audit_key is not None:
        raise ValueError("the audit key comes from PROCURA_AUDIT_KEY: rotate it there, keep the old one")
    load_keyring(settings)
    line = _new_key_line()
    _append_line(key_file(settings), line)
    return line.split(" ", 1)[0]


def sign(key: bytes, message: str) -> str:
    """HMAC-SHA256 of ``message`` under ``key``, hex."""
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def keyring_of(session: Session) -> Keyring:
    """The ring of the session's store (put in ``session.info`` by ``procura.migrations.open_store``)."""
    settings = session.info.get("settings")
    if settings is None:
        raise RuntimeError("session without settings: open it with procura.migrations.open_store")
    path = key_file(settings)
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    cached = _RINGS.get(settings.home)
    if cached is None or cached[0] != stamp or settings.audit_key is not None:
        ring = load_keyring(settings)
        _RINGS[settings.home] = (path.stat().st_mtime_ns if path.exists() else 0, ring)
        return ring
    return cached[1]


def pending_head(session: Session, seq: int, digest: str) -> None:
    """Remember the head to append to the head file once this transaction commits."""
    session.info[_PENDING] = (seq, digest)


def read_heads(path: Path) -> dict[int, set[str]]:
    """Every head written to the head file: the hashes seen for each sequence number."""
    heads: dict[int, set[str]] = {}
    if path.exists():
        for line in path.read_text(encoding="ascii").splitlines():
            seq, _, digest = line.partition(" ")
            if seq.isdigit():
                heads.setdefault(int(seq), set()).add(digest.strip())
    return heads


@event.listens_for(Session, "after_commit")
def _write_head(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is not None:
        # No fsync: a crash may lose the newest heads, which only makes the file lag the database.
        _append_line(keyring_of(session).head_file, f"{pending[0]} {pending[1]}", sync=False)


@event.listens_for(Session, "after_soft_rollback")
def _forget_head(session: Session, _previous: object) -> None:
    session.info.pop(_PENDING, None)
