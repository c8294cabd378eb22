"""indexes for the dashboard's task counts

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28

The dashboard counts the tasks due in a period and the open ones past their date; without
these it read every task ever done (most of the table) to find them.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('post_loan_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_post_loan_tasks_due_status', ['due_on', 'status'], unique=False)
        batch_op.create_index('ix_post_loan_tasks_status_due', ['status', 'due_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('post_loan_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_post_loan_tasks_status_due')
        batch_op.drop_index('ix_post_loan_tasks_due_status')
