"""Requests: the activities the secretariats offered, recorded by staff.

Revision ID: 3c5f0a9d2e41
Revises: b6d41e7a9c25
Create Date: 2026-12-06 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '3c5f0a9d2e41'
down_revision: str | None = 'b6d41e7a9c25'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offered_activity_ids', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_column('offered_activity_ids')
