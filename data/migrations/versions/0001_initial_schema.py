"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28

Money is stored as integer fen, rates as integer millionths (data.types.Fixed), times as
naive UTC (data.types.UtcDateTime). The audit table refuses UPDATE and DELETE by trigger.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('app_settings',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_app_settings'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=50), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('entity_type', sa.String(length=30), nullable=False),
    sa.Column('entity_id', sa.String(length=100), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_audit_events_prev_hash'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)

    op.create_table('branches',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('parent_code', sa.String(length=20), nullable=True),
    sa.Column('city', sa.String(length=50), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('orig_lat', sa.Float(), nullable=True),
    sa.Column('orig_lon', sa.Float(), nullable=True),
    sa.Column('orig_crs', sa.String(length=10), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['branches.code'], name=op.f('fk_branches_parent_code_branches')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_branches'))
    )
    with op.batch_alter_table('branches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_branches_parent_code'), ['parent_code'], unique=False)

    op.create_table('feed_cursors',
    sa.Column('base_url', sa.String(length=500), nullable=False),
    sa.Column('cursor', sa.String(length=500), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('base_url', name=op.f('pk_feed_cursors'))
    )
    op.create_table('import_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('actor', sa.String(length=50), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs'))
    )
    op.create_table('import_files',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('rows_imported', sa.Integer(), nullable=False),
    sa.Column('rows_unchanged', sa.Integer(), nullable=False),
    sa.Column('rows_rejected', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['import_runs.id'], name=op.f('fk_import_files_run_id_import_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_files'))
    )
    with op.batch_alter_table('import_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_files_run_id'), ['run_id'], unique=False)
        batch_op.create_index('ix_import_files_sha256', ['sha256'], unique=False)

    op.create_table('staff',
    sa.Column('employee_no', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('branch_code', sa.String(length=20), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['branch_code'], ['branches.code'], name=op.f('fk_staff_branch_code_branches')),
    sa.PrimaryKeyConstraint('employee_no', name=op.f('pk_staff'))
    )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_branch_code'), ['branch_code'], unique=False)

    op.create_table('customers',
    sa.Column('customer_no', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('legal_rep', sa.String(length=50), nullable=False),
    sa.Column('legal_rep_id', sa.String(length=18), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('industry', sa.String(length=2), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('orig_lat', sa.Float(), nullable=True),
    sa.Column('orig_lon', sa.Float(), nullable=True),
    sa.Column('orig_crs', sa.String(length=10), nullable=True),
    sa.Column('branch_code', sa.String(length=20), nullable=False),
    sa.Column('manager_no', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['branch_code'], ['branches.code'], name=op.f('fk_customers_branch_code_branches')),
    sa.ForeignKeyConstraint(['manager_no'], ['staff.employee_no'], name=op.f('fk_customers_manager_no_staff')),
    sa.PrimaryKeyConstraint('customer_no', name=op.f('pk_customers')),
    sa.UniqueConstraint('uscc', name=op.f('uq_customers_uscc'))
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_branch_code'), ['branch_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_customers_manager_no'), ['manager_no'], unique=False)

    op.create_table('inspections',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('bundle_id', sa.String(length=36), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('supersedes_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('task_no', sa.String(length=40), nullable=True),
    sa.Column('unplanned', sa.Boolean(), nullable=False),
    sa.Column('customer_no', sa.String(length=30), nullable=False),
    sa.Column('inspector_no', sa.String(length=20), nullable=False),
    sa.Column('companion_no', sa.String(length=20), nullable=True),
    sa.Column('device_id', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('opinion', sa.String(length=10), nullable=False),
    sa.Column('suggested_classification', sa.String(length=20), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('follow_up', sa.Text(), nullable=False),
    sa.Column('manifest', sa.Text(), nullable=False),
    sa.Column('import_file_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['companion_no'], ['staff.employee_no'], name=op.f('fk_inspections_companion_no_staff')),
    sa.ForeignKeyConstraint(['customer_no'], ['customers.customer_no'], name=op.f('fk_inspections_customer_no_customers')),
    sa.ForeignKeyConstraint(['import_file_id'], ['import_files.id'], name=op.f('fk_inspections_import_file_id_import_files')),
    sa.ForeignKeyConstraint(['inspector_no'], ['staff.employee_no'], name=op.f('fk_inspections_inspector_no_staff')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['inspections.id'], name=op.f('fk_inspections_supersedes_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections')),
    sa.UniqueConstraint('bundle_id', 'revision', name=op.f('uq_inspections_bundle_id_revision'))
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index('ix_inspections_customer_current', ['customer_no', 'is_current'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_inspector_no'), ['inspector_no'], unique=False)
        batch_op.create_index('ix_inspections_submitted', ['submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_task_no'), ['task_no'], unique=False)

    op.create_table('loans',
    sa.Column('loan_no', sa.String(length=30), nullable=False),
    sa.Column('customer_no', sa.String(length=30), nullable=False),
    sa.Column('product', sa.String(length=100), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('balance', sa.BigInteger(), nullable=False),
    sa.Column('rate', sa.BigInteger(), nullable=False),
    sa.Column('disbursed_on', sa.Date(), nullable=False),
    sa.Column('maturity_on', sa.Date(), nullable=False),
    sa.Column('guarantee', sa.String(length=20), nullable=False),
    sa.Column('payment', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('classification', sa.String(length=20), nullable=False),
    sa.Column('overdue_days', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_no'], ['customers.customer_no'], name=op.f('fk_loans_customer_no_customers')),
    sa.PrimaryKeyConstraint('loan_no', name=op.f('pk_loans'))
    )
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loans_customer_no'), ['customer_no'], unique=False)

    op.create_table('risk_signals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('signal_id', sa.String(length=100), nullable=False),
    sa.Column('customer_no', sa.String(length=30), nullable=True),
    sa.Column('sent_customer_no', sa.String(length=30), nullable=True),
    sa.Column('sent_uscc', sa.String(length=18), nullable=True),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('type_known', sa.Boolean(), nullable=False),
    sa.Column('severity', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('detected_at', sa.DateTime(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('matched_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['customer_no'], ['customers.customer_no'], name=op.f('fk_risk_signals_customer_no_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_signals')),
    sa.UniqueConstraint('source', 'signal_id', name=op.f('uq_risk_signals_source_signal_id'))
    )
    with op.batch_alter_table('risk_signals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_signals_customer_no'), ['customer_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_signals_sent_uscc'), ['sent_uscc'], unique=False)

    op.create_table('checklist_answers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('inspection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('section', sa.String(length=10), nullable=False),
    sa.Column('answer', sa.String(length=10), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('abnormal', sa.Boolean(), nullable=False),
    sa.Column('deviates', sa.Boolean(), nullable=False),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.Column('photo_keys', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_checklist_answers_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_answers')),
    sa.UniqueConstraint('inspection_id', 'code', name=op.f('uq_checklist_answers_inspection_id_code'))
    )
    op.create_table('inspection_documents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('inspection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=50), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_documents_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_documents')),
    sa.UniqueConstraint('inspection_id', 'file_name', name=op.f('uq_inspection_documents_inspection_id_file_name'))
    )
    op.create_table('loan_snapshots',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('loan_no', sa.String(length=30), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('classification', sa.String(length=20), nullable=False),
    sa.Column('overdue_days', sa.Integer(), nullable=False),
    sa.Column('balance', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['loan_no'], ['loans.loan_no'], name=op.f('fk_loan_snapshots_loan_no_loans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_snapshots')),
    sa.UniqueConstraint('loan_no', 'as_of', name=op.f('uq_loan_snapshots_loan_no_as_of'))
    )
    op.create_table('photos',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('inspection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('photo_key', sa.String(length=50), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('orig_lat', sa.Float(), nullable=True),
    sa.Column('orig_lon', sa.Float(), nullable=True),
    sa.Column('orig_crs', sa.String(length=10), nullable=True),
    sa.Column('watermark', sa.Text(), nullable=False),
    sa.Column('exif_taken_at', sa.DateTime(), nullable=True),
    sa.Column('exif_lat', sa.Float(), nullable=True),
    sa.Column('exif_lon', sa.Float(), nullable=True),
    sa.Column('exif_camera', sa.String(length=100), nullable=True),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('phash', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_photos_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photos')),
    sa.UniqueConstraint('inspection_id', 'photo_key', name=op.f('uq_photos_inspection_id_photo_key'))
    )
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photos_phash'), ['phash'], unique=False)
        batch_op.create_index(batch_op.f('ix_photos_sha256'), ['sha256'], unique=False)

    op.create_table('post_loan_tasks',
    sa.Column('task_no', sa.String(length=40), nullable=False),
    sa.Column('customer_no', sa.String(length=30), nullable=False),
    sa.Column('loan_no', sa.String(length=30), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('tier', sa.String(length=10), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('assignee_no', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('required_photos', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_no'], ['staff.employee_no'], name=op.f('fk_post_loan_tasks_assignee_no_staff')),
    sa.ForeignKeyConstraint(['customer_no'], ['customers.customer_no'], name=op.f('fk_post_loan_tasks_customer_no_customers')),
    sa.ForeignKeyConstraint(['loan_no'], ['loans.loan_no'], name=op.f('fk_post_loan_tasks_loan_no_loans')),
    sa.PrimaryKeyConstraint('task_no', name=op.f('pk_post_loan_tasks'))
    )
    with op.batch_alter_table('post_loan_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_loan_tasks_assignee_no'), ['assignee_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_loan_tasks_customer_no'), ['customer_no'], unique=False)

    op.create_table('quarantine',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('bundle_id', sa.String(length=100), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('source_path', sa.Text(), nullable=False),
    sa.Column('stored_copy', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(), nullable=False),
    sa.Column('last_tried_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_quarantine_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine')),
    sa.UniqueConstraint('content_sha256', name=op.f('uq_quarantine_content_sha256'))
    )
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantine_bundle_id'), ['bundle_id'], unique=False)

    op.create_table('track_points',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('inspection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('t', sa.DateTime(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('orig_lat', sa.Float(), nullable=False),
    sa.Column('orig_lon', sa.Float(), nullable=False),
    sa.Column('orig_crs', sa.String(length=10), nullable=False),
    sa.Column('accuracy_m', sa.Float(), nullable=True),
    sa.Column('event', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_track_points_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track_points'))
    )
    with op.batch_alter_table('track_points', schema=None) as batch_op:
        batch_op.create_index('ix_track_points_inspection_seq', ['inspection_id', 'seq'], unique=False)

    op.create_table('voice_notes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('inspection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_voice_notes_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voice_notes'))
    )
    with op.batch_alter_table('voice_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voice_notes_inspection_id'), ['inspection_id'], unique=False)

    _create_append_only_triggers()


_SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END",
]
_PG_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit trail is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
]


def _create_append_only_triggers() -> None:
    statements = _PG_TRIGGERS if op.get_bind().dialect.name == "postgresql" else _SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)




def downgrade() -> None:
    with op.batch_alter_table('voice_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voice_notes_inspection_id'))

    op.drop_table('voice_notes')
    with op.batch_alter_table('track_points', schema=None) as batch_op:
        batch_op.drop_index('ix_track_points_inspection_seq')

    op.drop_table('track_points')
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantine_bundle_id'))

    op.drop_table('quarantine')
    with op.batch_alter_table('post_loan_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_loan_tasks_customer_no'))
        batch_op.drop_index(batch_op.f('ix_post_loan_tasks_assignee_no'))

    op.drop_table('post_loan_tasks')
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photos_sha256'))
        batch_op.drop_index(batch_op.f('ix_photos_phash'))

    op.drop_table('photos')
    op.drop_table('loan_snapshots')
    op.drop_table('inspection_documents')
    op.drop_table('checklist_answers')
    with op.batch_alter_table('risk_signals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_signals_sent_uscc'))
        batch_op.drop_index(batch_op.f('ix_risk_signals_customer_no'))

    op.drop_table('risk_signals')
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loans_customer_no'))

    op.drop_table('loans')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_task_no'))
        batch_op.drop_index('ix_inspections_submitted')
        batch_op.drop_index(batch_op.f('ix_inspections_inspector_no'))
        batch_op.drop_index(batch_op.f('ix_inspections_device_id'))
        batch_op.drop_index('ix_inspections_customer_current')

    op.drop_table('inspections')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_manager_no'))
        batch_op.drop_index(batch_op.f('ix_customers_branch_code'))

    op.drop_table('customers')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_branch_code'))

    op.drop_table('staff')
    with op.batch_alter_table('import_files', schema=None) as batch_op:
        batch_op.drop_index('ix_import_files_sha256')
        batch_op.drop_index(batch_op.f('ix_import_files_run_id'))

    op.drop_table('import_files')
    op.drop_table('import_runs')
    op.drop_table('feed_cursors')
    with op.batch_alter_table('branches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_branches_parent_code'))

    op.drop_table('branches')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
    op.drop_table('app_settings')
