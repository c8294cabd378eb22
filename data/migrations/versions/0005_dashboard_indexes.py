"""indexes the dashboard's aggregates walk

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

New signals per week read ``risk_signals`` by ``detected_at``; flagged inspections per
severity read ``inspection_flags`` by (``inspection_id``, ``severity``).
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('risk_signals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_signals_detected_at'), ['detected_at'], unique=False)
    with op.batch_alter_table('inspection_flags', schema=None) as batch_op:
        batch_op.create_index('ix_inspection_flags_inspection_severity', ['inspection_id', 'severity'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inspection_flags', schema=None) as batch_op:
        batch_op.drop_index('ix_inspection_flags_inspection_severity')
    with op.batch_alter_table('risk_signals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_signals_detected_at'))
