"""issued reports, kept with their bytes and hash

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import data.types

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('issued_reports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('report_no', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('file_format', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('branch_code', sa.String(length=20), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('issued_by', sa.String(length=20), nullable=False),
    sa.Column('issued_at', data.types.UtcDateTime(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['branch_code'], ['branches.code'], name=op.f('fk_issued_reports_branch_code_branches')),
    sa.ForeignKeyConstraint(['issued_by'], ['staff.employee_no'], name=op.f('fk_issued_reports_issued_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_reports')),
    sa.UniqueConstraint('report_no', name=op.f('uq_issued_reports_report_no')),
    )
    with op.batch_alter_table('issued_reports', schema=None) as batch_op:
        batch_op.create_index('ix_issued_reports_kind_issued', ['kind', 'issued_at'], unique=False)


def downgrade() -> None:
    op.drop_table('issued_reports')
