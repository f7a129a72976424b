"""NLU inbox: analysts' decisions on groups of delegate messages.

Revision ID: b6d41e7a9c25
Revises: edfecf11660c
Create Date: 2026-11-28 04:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'b6d41e7a9c25'
down_revision: str | None = 'edfecf11660c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('nlu_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('verdict', sa.String(length=10), nullable=False),
    sa.Column('intent', sa.String(length=64), nullable=True),
    sa.Column('example', sa.Text(), nullable=True),
    sa.Column('predicted_intent', sa.String(length=64), nullable=True),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('exported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('exported_to', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_nlu_decisions_decided_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nlu_decisions')),
    sa.UniqueConstraint('language', 'key', name='uq_nlu_decisions_language_key')
    )
    with op.batch_alter_table('nlu_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_nlu_decisions_pending', ['verdict', 'exported_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('nlu_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_nlu_decisions_pending')

    op.drop_table('nlu_decisions')
