"""VIP All In: participants and their episodes, needs assessments, plan goals, contacts

The program's third component (SPEC §9, issue 15). These are service records,
a compartment of their own: only the ``services`` audience reads them.

- ``participant``: one episode of a person (enrolled, stage, coach, cadence,
  exited with a reason); at most one open episode per person (a partial
  unique index);
- ``need_assessment`` and ``need``: intake and reassessments, one row per
  domain, the history kept;
- ``goal``: the plan's lines;
- ``contact``: the contact log.

Revision ID: 0005_vip_all_in
Revises: 0004_more_versions
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa


revision = '0005_vip_all_in'
down_revision = '0004_more_versions'
branch_labels = None
depends_on = None

DOMAINS = (
    'safety', 'housing', 'employment', 'education', 'income', 'physical_health', 'mental_health',
    'substance_use', 'legal', 'family', 'transportation', 'id_documents',
)
SOURCE = sa.Enum('notification', 'referral', 'profile', 'walk_in', name='enrollsource', create_constraint=True)
STAGE = sa.Enum('engaging', 'planning', 'active', 'sustaining', 'exited', name='stage', create_constraint=True)
EXIT = sa.Enum(
    'completed', 'moved_away', 'incarcerated', 'deceased', 'declined', 'lost_contact', name='exitreason',
    create_constraint=True,
)
METHOD = sa.Enum('in_person', 'phone', 'text', 'attempt', name='contactmethod', create_constraint=True)
DOMAIN = sa.Enum(*DOMAINS, name='needdomain', create_constraint=True)
LEVEL = sa.Enum('none', 'some', 'urgent', name='needlevel', create_constraint=True)
GOAL = sa.Enum('open', 'met', 'dropped', name='goalstatus', create_constraint=True)
ENUMS = (SOURCE, STAGE, EXIT, METHOD, DOMAIN, LEVEL, GOAL)


def _enum(enum: sa.Enum, postgresql: bool) -> sa.types.TypeEngine:
    # On PostgreSQL the types are created once, up front (needdomain serves two tables).
    if postgresql:
        from sqlalchemy.dialects.postgresql import ENUM

        return ENUM(*enum.enums, name=enum.name, create_type=False)
    return enum


def upgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == 'postgresql'
    if pg:
        for enum in ENUMS:
            enum.create(bind, checkfirst=True)
    source, stage, exit_, method, domain, level, goal = (_enum(e, pg) for e in ENUMS)

    op.create_table('participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('episode', sa.Integer(), nullable=False),
    sa.Column('coach', sa.String(length=100), nullable=False),
    sa.Column('enrolled_on', sa.Date(), nullable=False),
    sa.Column('source', source, nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('stage', stage, nullable=False),
    sa.Column('stage_on', sa.Date(), nullable=False),
    sa.Column('cadence', sa.Float(), nullable=False),
    sa.Column('exited_on', sa.Date(), nullable=True),
    sa.Column('exit_reason', exit_, nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_participant_notification_id_notification')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_participant_person_id_person')),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_participant_referral_id_referral')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant')),
    sa.UniqueConstraint('person_id', 'episode', name='uq_participant_person_episode')
    )
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_coach'), ['coach'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_enrolled_on'), ['enrolled_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_notification_id'), ['notification_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_stage'), ['stage'], unique=False)
        batch_op.create_index('ux_participant_open_episode', ['person_id'], unique=True, sqlite_where=sa.text('exited_on IS NULL'), postgresql_where=sa.text('exited_on IS NULL'))

    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('method', method, nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=False),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_contact_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index('ix_contact_participant_at', ['participant_id', 'at'], unique=False)

    op.create_table('goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('domain', domain, nullable=False),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('target_on', sa.Date(), nullable=True),
    sa.Column('milestones', sa.JSON(), server_default='[]', nullable=False),
    sa.Column('status', goal, nullable=False),
    sa.Column('status_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_goal_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal'))
    )
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_target_on'), ['target_on'], unique=False)

    op.create_table('need_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('assessed_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_need_assessment_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_assessment'))
    )
    with op.batch_alter_table('need_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_assessment_participant_id'), ['participant_id'], unique=False)

    op.create_table('need',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('domain', domain, nullable=False),
    sa.Column('level', level, nullable=False),
    sa.Column('note', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['need_assessment.id'], name=op.f('fk_need_assessment_id_need_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need')),
    sa.UniqueConstraint('assessment_id', 'domain', name='uq_need_assessment_domain')
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_assessment_id'), ['assessment_id'], unique=False)


def downgrade() -> None:
    for table in ('need', 'need_assessment', 'goal', 'contact', 'participant'):
        op.drop_table(table)
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        for enum in ENUMS:
            enum.drop(bind, checkfirst=True)
