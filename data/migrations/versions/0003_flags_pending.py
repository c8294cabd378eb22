"""the queue of inspections whose authenticity flags are still to be computed

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

Imports queue each new inspection in the transaction that stores it and compute the flags
in batches; a run that is killed leaves its queue for the next run.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('flags_pending',
    sa.Column('inspection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_flags_pending_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('inspection_id', name=op.f('pk_flags_pending'))
    )


def downgrade() -> None:
    op.drop_table('flags_pending')
