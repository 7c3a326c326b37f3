"""row versions for two instances at once; person merges

Adds a ``version`` column (optimistic locking, SQLAlchemy ``version_id_col``)
to the records two people may edit at the same time, and the
``person_merge`` table that records what a merge of two person records moved
so that it can be undone exactly.

Revision ID: 0002_versions_and_merges
Revises: 0001_initial
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa


revision = '0002_versions_and_merges'
down_revision = '0001_initial'
branch_labels = None
depends_on = None

VERSIONED = (
    'meeting', 'incident', 'agenda_item', 'person', 'involvement', 'note', 'action_item', 'notification',
)


def upgrade() -> None:
    op.create_table('person_merge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survivor_id', sa.Integer(), nullable=False),
    sa.Column('absorbed_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('moved', sa.JSON(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.Column('undone_by', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['absorbed_id'], ['person.id'], name=op.f('fk_person_merge_absorbed_id_person')),
    sa.ForeignKeyConstraint(['survivor_id'], ['person.id'], name=op.f('fk_person_merge_survivor_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_merge'))
    )
    with op.batch_alter_table('person_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_merge_absorbed_id'), ['absorbed_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_merge_survivor_id'), ['survivor_id'], unique=False)

    # Existing rows start at version 1, as new ones do.
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')

    with op.batch_alter_table('person_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_merge_survivor_id'))
        batch_op.drop_index(batch_op.f('ix_person_merge_absorbed_id'))

    op.drop_table('person_merge')
