"""Audit entries name the key that signed them (keyed chain, ADR 0562).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``audit_log.key_id``."""
    op.add_column("audit_log", sa.Column("key_id", sa.String(16), nullable=True))


def downgrade() -> None:
    """Drop ``audit_log.key_id``."""
    op.drop_column("audit_log", "key_id")
