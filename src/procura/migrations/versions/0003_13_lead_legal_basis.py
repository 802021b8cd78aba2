"""Each lead keeps the legal basis of the model version that found it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 02:10:00

A model from an extra catalogue (``procura run --catalog``) is not in the
built-in catalogue, so the lead page and its documents could not show its
legal basis; the run now stores it on the lead. Leads stored before keep an
empty list and fall back to the built-in catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``leads.legal_basis`` (a JSON list of ``{ref, zh, en}``)."""
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("legal_basis", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    """Drop ``leads.legal_basis``."""
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("legal_basis")
