"""disclosure: note visibility, partner summaries, aliases, the release review, file hashes; frozen records

- ``note.visibility`` (``le_only`` / ``members`` / ``partners``) replaces the
  ``le_only`` flag: law-enforcement-only notes stay so, every other note is
  for members (free text reaches partners only when released);
- ``incident.partner_summary``: what partners may read of an incident;
- ``person.aliases``: other names, protected like the name;
- ``partner_release`` and ``release_exemption``: the release review's
  decisions per passage, and hits marked "not this person";
- ``dissemination.sha256``: what exactly was written;
- ``agenda_item.record``: the incident as its meeting closed on it.

Revision ID: 0003_disclosure
Revises: 0002_versions_and_merges
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa


revision = '0003_disclosure'
down_revision = '0002_versions_and_merges'
branch_labels = None
depends_on = None

VISIBILITY = sa.Enum('le_only', 'members', 'partners', name='notevisibility', create_constraint=True)
DECISION = sa.Enum('released', 'edited', 'withheld', name='releasedecision', create_constraint=True)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        VISIBILITY.create(bind, checkfirst=True)
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visibility', VISIBILITY, server_default='members', nullable=False))
    op.execute(sa.text("UPDATE note SET visibility = 'le_only' WHERE le_only"))
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_column('le_only')

    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_summary', sa.Text(), nullable=True))
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('aliases', sa.JSON(), server_default='[]', nullable=False))
    with op.batch_alter_table('dissemination', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sha256', sa.String(length=64), nullable=True))
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record', sa.JSON(), nullable=True))

    op.create_table('partner_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('passage', sa.String(length=80), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('decision', DECISION, nullable=False),
    sa.Column('partner_text', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_partner_release_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_release')),
    sa.UniqueConstraint('meeting_id', 'passage', name=op.f('uq_partner_release_meeting_id'))
    )
    with op.batch_alter_table('partner_release', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_release_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('release_exemption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('passage', sa.String(length=80), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('token', sa.String(length=200), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_release_exemption_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_release_exemption')),
    sa.UniqueConstraint('meeting_id', 'passage', 'source_hash', 'token', name=op.f('uq_release_exemption_meeting_id'))
    )
    with op.batch_alter_table('release_exemption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_release_exemption_meeting_id'), ['meeting_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('release_exemption', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_release_exemption_meeting_id'))
    op.drop_table('release_exemption')
    with op.batch_alter_table('partner_release', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_release_meeting_id'))
    op.drop_table('partner_release')

    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_column('record')
    with op.batch_alter_table('dissemination', schema=None) as batch_op:
        batch_op.drop_column('sha256')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('aliases')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('partner_summary')

    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('le_only', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(sa.text("UPDATE note SET le_only = (visibility = 'le_only')"))
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_column('visibility')
    bind = op.get_bind()
    DECISION.drop(bind, checkfirst=True)
    VISIBILITY.drop(bind, checkfirst=True)
