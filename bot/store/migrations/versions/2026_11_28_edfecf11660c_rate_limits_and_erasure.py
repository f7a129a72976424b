"""Rate-limit counters shared by web workers; when a request's personal data was erased.

Revision ID: edfecf11660c
Revises: 4e0362da75f8
Create Date: 2026-11-27 23:55:40.026122
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'edfecf11660c'
down_revision: str | None = '4e0362da75f8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rate_limit_counters',
    sa.Column('bucket', sa.String(length=160), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('expires', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('bucket', name=op.f('pk_rate_limit_counters'))
    )
    with op.batch_alter_table('rate_limit_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limit_counters_expires'), ['expires'], unique=False)

    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_column('erased_at')

    with op.batch_alter_table('rate_limit_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_counters_expires'))

    op.drop_table('rate_limit_counters')
