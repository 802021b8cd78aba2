"""Issue 10: indexes in the queue's sort orders, so a page reads ~offset+limit rows, not the table.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index("ix_leads_score_order", [sa.text("score DESC"), "id"], unique=False)
        batch_op.create_index("ix_leads_created_order", ["created_at", "id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("ix_leads_created_order")
        batch_op.drop_index("ix_leads_score_order")
