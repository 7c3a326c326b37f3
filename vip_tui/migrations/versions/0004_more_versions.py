"""row versions on attendance, referrals and person merges

Every write is checked against the version its screen loaded (issue 12):
changing an invitee's attendance, a referral's status or undoing a merge
could otherwise overwrite what another instance wrote meanwhile.

Revision ID: 0004_more_versions
Revises: 0003_disclosure
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa


revision = '0004_more_versions'
down_revision = '0003_disclosure'
branch_labels = None
depends_on = None

VERSIONED = ('meeting_attendance', 'referral', 'person_merge')


def upgrade() -> None:
    # Existing rows start at version 1, as new ones do.
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
