"""authenticity flags

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

One table of authenticity findings per inspection revision (data.rules.authenticity),
and two indexes the checks' evidence queries walk: an inspector's visits and a device's
visits in time order. Existing inspections get their flags from
``python main.py authenticity --recompute`` (or the next import that touches them).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('inspection_flags',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('inspection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('related_inspection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_flags_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['related_inspection_id'], ['inspections.id'], name=op.f('fk_inspection_flags_related_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_flags'))
    )
    with op.batch_alter_table('inspection_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_flags_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_flags_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_flags_related_inspection_id'), ['related_inspection_id'], unique=False)

    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index('ix_inspections_inspector_started', ['inspector_no', 'started_at'], unique=False)
        batch_op.create_index('ix_inspections_device_started', ['device_id', 'started_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index('ix_inspections_device_started')
        batch_op.drop_index('ix_inspections_inspector_started')

    with op.batch_alter_table('inspection_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_flags_related_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_flags_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_flags_code'))

    op.drop_table('inspection_flags')
