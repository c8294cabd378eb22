"""the approval workflow: inspection states, decisions, supervision orders

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

Every inspection revision gets a workflow state (existing ones start SUBMITTED), a version
that each decision bumps, and the time it entered its state. Decisions are history:
one per (revision, version), never updated or deleted, and the database itself refuses a
decision by someone who took part in the inspection or manages the customer, or whose role
does not decide at that level (four-eyes, enforced by trigger on both backends).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import data.types

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FOUR_EYES = (
    "EXISTS (SELECT 1 FROM inspections i JOIN customers c ON c.customer_no = i.customer_no "
    "WHERE i.id = NEW.inspection_id AND (NEW.actor = i.inspector_no "
    "OR NEW.actor = COALESCE(i.companion_no, '') OR NEW.actor = c.manager_no)) "
    "OR NOT EXISTS (SELECT 1 FROM staff s WHERE s.employee_no = NEW.actor AND s.role = "
    "CASE NEW.level WHEN 'BRANCH' THEN 'BRANCH_APPROVER' WHEN 'HEAD' THEN 'HEAD_RISK' END)"
)
_MESSAGE = "four-eyes: the decider took part in the inspection, manages the customer or does not decide at this level"

_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER inspection_decisions_four_eyes BEFORE INSERT ON inspection_decisions "
    f"WHEN {_FOUR_EYES} BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
    "CREATE TRIGGER inspection_decisions_no_update BEFORE UPDATE ON inspection_decisions "
    "BEGIN SELECT RAISE(ABORT, 'decisions are history'); END",
    "CREATE TRIGGER inspection_decisions_no_delete BEFORE DELETE ON inspection_decisions "
    "BEGIN SELECT RAISE(ABORT, 'decisions are history'); END",
]
_PG_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION inspection_decisions_four_eyes() RETURNS trigger AS $$ "
    f"BEGIN IF {_FOUR_EYES} THEN RAISE EXCEPTION '{_MESSAGE}'; END IF; RETURN NEW; END; "
    "$$ LANGUAGE plpgsql",
    "CREATE TRIGGER inspection_decisions_four_eyes BEFORE INSERT ON inspection_decisions "
    "FOR EACH ROW EXECUTE FUNCTION inspection_decisions_four_eyes()",
    "CREATE OR REPLACE FUNCTION inspection_decisions_history() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'decisions are history'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER inspection_decisions_no_change BEFORE UPDATE OR DELETE ON inspection_decisions "
    "FOR EACH ROW EXECUTE FUNCTION inspection_decisions_history()",
]


def upgrade() -> None:
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=12), server_default='SUBMITTED', nullable=False))
        batch_op.add_column(sa.Column('state_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('state_at', data.types.UtcDateTime(), nullable=True))
        batch_op.create_index('ix_inspections_state_waiting', ['state', 'is_current', 'submitted_at'], unique=False)

    op.create_table('inspection_decisions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('inspection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_version', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('from_state', sa.String(length=12), nullable=False),
    sa.Column('to_state', sa.String(length=12), nullable=False),
    sa.Column('actor', sa.String(length=20), nullable=False),
    sa.Column('at', data.types.UtcDateTime(), nullable=False),
    sa.Column('reason_code', sa.String(length=30), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('review_reasons', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor'], ['staff.employee_no'], name=op.f('fk_inspection_decisions_actor_staff')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_decisions_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_decisions')),
    sa.UniqueConstraint('inspection_id', 'from_version', name=op.f('uq_inspection_decisions_inspection_id_from_version')),
    )
    with op.batch_alter_table('inspection_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_decisions_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_decisions_actor'), ['actor'], unique=False)

    op.create_table('supervision_orders',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('order_no', sa.String(length=30), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('customer_no', sa.String(length=30), nullable=False),
    sa.Column('inspection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('branch_code', sa.String(length=20), nullable=False),
    sa.Column('assignee_no', sa.String(length=20), nullable=True),
    sa.Column('instruction', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=False),
    sa.Column('created_at', data.types.UtcDateTime(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_by', sa.String(length=20), nullable=True),
    sa.Column('answered_at', data.types.UtcDateTime(), nullable=True),
    sa.Column('closed_by', sa.String(length=20), nullable=True),
    sa.Column('closed_at', data.types.UtcDateTime(), nullable=True),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['customer_no'], ['customers.customer_no'], name=op.f('fk_supervision_orders_customer_no_customers')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_supervision_orders_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['branch_code'], ['branches.code'], name=op.f('fk_supervision_orders_branch_code_branches')),
    sa.ForeignKeyConstraint(['assignee_no'], ['staff.employee_no'], name=op.f('fk_supervision_orders_assignee_no_staff')),
    sa.ForeignKeyConstraint(['created_by'], ['staff.employee_no'], name=op.f('fk_supervision_orders_created_by_staff')),
    sa.ForeignKeyConstraint(['answered_by'], ['staff.employee_no'], name=op.f('fk_supervision_orders_answered_by_staff')),
    sa.ForeignKeyConstraint(['closed_by'], ['staff.employee_no'], name=op.f('fk_supervision_orders_closed_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_orders')),
    sa.UniqueConstraint('order_no', name=op.f('uq_supervision_orders_order_no')),
    )
    with op.batch_alter_table('supervision_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_orders_customer_no'), ['customer_no'], unique=False)
        batch_op.create_index('ix_supervision_orders_status_branch', ['status', 'branch_code'], unique=False)

    statements = _PG_TRIGGERS if op.get_bind().dialect.name == "postgresql" else _SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS inspection_decisions_four_eyes ON inspection_decisions")
        op.execute("DROP TRIGGER IF EXISTS inspection_decisions_no_change ON inspection_decisions")
        op.execute("DROP FUNCTION IF EXISTS inspection_decisions_four_eyes()")
        op.execute("DROP FUNCTION IF EXISTS inspection_decisions_history()")
    op.drop_table('supervision_orders')
    op.drop_table('inspection_decisions')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index('ix_inspections_state_waiting')
        batch_op.drop_column('state_at')
        batch_op.drop_column('state_version')
        batch_op.drop_column('state')
