"""risk health check: scores, model versions, customer issues, signal review, task links

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

``health_models`` holds the versioned model parameters (version 1, the defaults, is
written by the first health check); ``health_scores`` one score a customer an as-of date
with its breakdown; ``customer_issues`` the objective classification findings the health
check keeps current. Risk signals gain their review state (existing ones are NEW); post-loan
tasks say which task replaced them and which inspection answered them. Columns are added
in place (no table copy), so a bank-size database migrates in moments.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('health_models',
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=50), nullable=False),
    sa.Column('applied_at', sa.DateTime(), nullable=True),
    sa.Column('applied_by', sa.String(length=50), nullable=True),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_health_models'))
    )
    op.create_table('health_scores',
    sa.Column('id', _BIG_ID, autoincrement=True, nullable=False),
    sa.Column('customer_no', sa.String(length=30), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('model_version', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('base_score', sa.Float(), nullable=False),
    sa.Column('tier', sa.String(length=10), nullable=False),
    sa.Column('breakdown', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_no'], ['customers.customer_no'], name=op.f('fk_health_scores_customer_no_customers')),
    sa.ForeignKeyConstraint(['model_version'], ['health_models.version'], name=op.f('fk_health_scores_model_version_health_models')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_scores')),
    sa.UniqueConstraint('customer_no', 'as_of', name=op.f('uq_health_scores_customer_no_as_of'))
    )
    with op.batch_alter_table('health_scores', schema=None) as batch_op:
        batch_op.create_index('ix_health_scores_as_of_tier', ['as_of', 'tier'], unique=False)

    op.create_table('customer_issues',
    sa.Column('id', _BIG_ID, autoincrement=True, nullable=False),
    sa.Column('customer_no', sa.String(length=30), nullable=False),
    sa.Column('loan_no', sa.String(length=30), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('first_seen_on', sa.Date(), nullable=False),
    sa.Column('last_seen_on', sa.Date(), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['customer_no'], ['customers.customer_no'], name=op.f('fk_customer_issues_customer_no_customers')),
    sa.ForeignKeyConstraint(['loan_no'], ['loans.loan_no'], name=op.f('fk_customer_issues_loan_no_loans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_issues'))
    )
    with op.batch_alter_table('customer_issues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_issues_customer_no'), ['customer_no'], unique=False)
        batch_op.create_index('ix_customer_issues_status_customer', ['status', 'customer_no'], unique=False)

    op.add_column('risk_signals', sa.Column('status', sa.String(length=10), server_default='NEW', nullable=False))
    op.add_column('risk_signals', sa.Column('reviewed_by', sa.String(length=50), nullable=True))
    op.add_column('risk_signals', sa.Column('reviewed_at', sa.DateTime(), nullable=True))
    op.add_column('risk_signals', sa.Column('review_reason', sa.Text(), nullable=True))

    op.add_column('post_loan_tasks', sa.Column('replaced_by', sa.String(length=40), nullable=True))
    op.add_column('post_loan_tasks', sa.Column('closed_by_inspection_id', _BIG_ID, nullable=True))
    op.create_index('ix_post_loan_tasks_status_customer', 'post_loan_tasks', ['status', 'customer_no'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_post_loan_tasks_status_customer', table_name='post_loan_tasks')
    with op.batch_alter_table('post_loan_tasks', schema=None) as batch_op:
        batch_op.drop_column('closed_by_inspection_id')
        batch_op.drop_column('replaced_by')
    with op.batch_alter_table('risk_signals', schema=None) as batch_op:
        batch_op.drop_column('review_reason')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by')
        batch_op.drop_column('status')
    with op.batch_alter_table('customer_issues', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_issues_status_customer')
        batch_op.drop_index(batch_op.f('ix_customer_issues_customer_no'))
    op.drop_table('customer_issues')
    with op.batch_alter_table('health_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_health_scores_as_of_tier')
    op.drop_table('health_scores')
    op.drop_table('health_models')
