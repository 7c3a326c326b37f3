"""initial schema

Revision ID: 0001_initial
Revises: 
Create Date: 2026-11-26
"""

from alembic import op
import sqlalchemy as sa


revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('short_name', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.Enum('law_enforcement', 'prosecution', 'supervision', 'service', 'community', name='agencykind', create_constraint=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency')),
    sa.UniqueConstraint('short_name', name=op.f('uq_agency_short_name'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user', sa.String(length=100), nullable=False),
    sa.Column('action', sa.Enum('create', 'update', 'delete', name='auditaction', create_constraint=True), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.String(length=60), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_log_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('group_',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_')),
    sa.UniqueConstraint('name_key', name=op.f('uq_group__name_key'))
    )
    op.create_table('incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_number', sa.String(length=60), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('type', sa.Enum('homicide', 'non_fatal', 'shots_fired', 'other', name='incidenttype', create_constraint=True), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('area_command', sa.String(length=100), nullable=True),
    sa.Column('summary', sa.String(), nullable=True),
    sa.Column('motive', sa.String(length=300), nullable=True),
    sa.Column('case_status', sa.Enum('open', 'cleared_arrest', 'cleared_exceptional', 'unfounded', name='casestatus', create_constraint=True), nullable=True),
    sa.Column('retaliation_risk', sa.Enum('none', 'long_term', 'ongoing', 'immediate', name='retaliationrisk', create_constraint=True), nullable=True),
    sa.Column('nibin_leads', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident')),
    sa.UniqueConstraint('case_number', name=op.f('uq_incident_case_number'))
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_area_command'), ['area_command'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_type'), ['type'], unique=False)

    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('facilitator', sa.String(length=200), nullable=True),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'in_progress', 'closed', name='meetingstatus', create_constraint=True), nullable=False),
    sa.Column('agenda_ready', sa.Boolean(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('last_item_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    sa.UniqueConstraint('date', name=op.f('uq_meeting_date')),
    sa.UniqueConstraint('number', name=op.f('uq_meeting_number'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_status'), ['status'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.String(length=60), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('dob', sa.Date(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['merged_into_id'], ['person.id'], name=op.f('fk_person_merged_into_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('record_id', name=op.f('uq_person_record_id'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index('ix_person_name_key_dob', ['name_key', 'dob'], unique=False)

    op.create_table('action_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_agency_id', sa.Integer(), nullable=True),
    sa.Column('owner_name', sa.String(length=200), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('open', 'done', 'dropped', name='actionstatus', create_constraint=True), nullable=False),
    sa.Column('outcome', sa.String(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_in_meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['closed_in_meeting_id'], ['meeting.id'], name=op.f('fk_action_item_closed_in_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_action_item_incident_id_incident')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_action_item_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['owner_agency_id'], ['agency.id'], name=op.f('fk_action_item_owner_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_item')),
    sa.UniqueConstraint('meeting_id', 'number', name='uq_action_item_meeting_number')
    )
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_item_closed_in_meeting_id'), ['closed_in_meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_owner_agency_id'), ['owner_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_status'), ['status'], unique=False)

    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('review_status', sa.Enum('pending', 'discussed', 'deferred', name='reviewstatus', create_constraint=True), nullable=False),
    sa.Column('elapsed_seconds', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_agenda_item_incident_id_incident')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_agenda_item_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item')),
    sa.UniqueConstraint('meeting_id', 'incident_id', name='uq_agenda_item_meeting_incident')
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index('ix_agenda_item_meeting_position', ['meeting_id', 'position'], unique=False)

    op.create_table('amendment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('change', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_amendment_meeting_id_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendment'))
    )
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendment_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('attendee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_attendee_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendee')),
    sa.UniqueConstraint('name_key', 'agency_id', name='uq_attendee_name_agency')
    )
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendee_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendee_name_key'), ['name_key'], unique=False)

    op.create_table('dissemination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.String(length=40), nullable=False),
    sa.Column('audience', sa.Enum('full', 'partner', name='audience', create_constraint=True), nullable=False),
    sa.Column('receiving_agency_id', sa.Integer(), nullable=True),
    sa.Column('receiving', sa.String(length=200), nullable=True),
    sa.Column('method', sa.Enum('email', 'printed', 'secure_portal', 'in_person', 'other', name='disseminationmethod', create_constraint=True), nullable=False),
    sa.Column('sent_by', sa.String(length=100), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('file_name', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_dissemination_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['receiving_agency_id'], ['agency.id'], name=op.f('fk_dissemination_receiving_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dissemination'))
    )
    with op.batch_alter_table('dissemination', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dissemination_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dissemination_receiving_agency_id'), ['receiving_agency_id'], unique=False)

    op.create_table('involvement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('victim', 'suspect', 'witness', 'associate', 'person_of_interest', name='role', create_constraint=True), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['group_.id'], name=op.f('fk_involvement_group_id_group_')),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_involvement_incident_id_incident'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_involvement_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_involvement')),
    sa.UniqueConstraint('incident_id', 'person_id', 'role', name='uq_involvement_role')
    )
    with op.batch_alter_table('involvement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_involvement_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_involvement_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_involvement_person_id'), ['person_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('team_officer', sa.String(length=200), nullable=True),
    sa.Column('team_community_voice', sa.String(length=200), nullable=True),
    sa.Column('team_outreach', sa.String(length=200), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('proposed', 'approved', 'assigned', 'delivered', 'delivered_to_family', 'refused', 'not_located', 'in_custody', 'cancelled', name='notificationstatus', create_constraint=True), nullable=False),
    sa.Column('services_offered', sa.String(), nullable=True),
    sa.Column('services_accepted', sa.String(), nullable=True),
    sa.Column('outcome', sa.String(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_in_meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['closed_in_meeting_id'], ['meeting.id'], name=op.f('fk_notification_closed_in_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_notification_incident_id_incident')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_notification_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_notification_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('meeting_id', 'number', name='uq_notification_meeting_number')
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_closed_in_meeting_id'), ['closed_in_meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_status'), ['status'], unique=False)

    op.create_table('person_group',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('last_seen', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['group_.id'], name=op.f('fk_person_group_group_id_group_'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_group_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'group_id', name=op.f('pk_person_group'))
    )
    with op.batch_alter_table('person_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_group_group_id'), ['group_id'], unique=False)

    op.create_table('meeting_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('attendee_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('invited', 'present', 'remote', 'absent', name='attendance', create_constraint=True), nullable=False),
    sa.Column('walk_in', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['attendee_id'], ['attendee.id'], name=op.f('fk_meeting_attendance_attendee_id_attendee')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_attendance_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendance')),
    sa.UniqueConstraint('meeting_id', 'attendee_id', name='uq_attendance_meeting_attendee')
    )
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendance_attendee_id'), ['attendee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_attendance_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('le_only', sa.Boolean(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_note_agenda_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_note_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note'))
    )
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_note_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('notification_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('attempted_at', sa.DateTime(), nullable=False),
    sa.Column('by', sa.String(length=200), nullable=True),
    sa.Column('result', sa.Enum('delivered', 'delivered_to_family', 'refused', 'not_home', 'not_located', 'in_custody', name='attemptresult', create_constraint=True), nullable=False),
    sa.Column('letter_left', sa.Boolean(), nullable=False),
    sa.Column('door_hanger_left', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_notification_attempt_notification_id_notification'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_attempt'))
    )
    with op.batch_alter_table('notification_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_attempt_notification_id'), ['notification_id'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('service', sa.String(length=200), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=True),
    sa.Column('status', sa.Enum('offered', 'accepted', 'declined', 'engaged', 'completed', name='referralstatus', create_constraint=True), nullable=False),
    sa.Column('offered_on', sa.Date(), nullable=True),
    sa.Column('status_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_referral_incident_id_incident')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_referral_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_referral_notification_id_notification')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_referral_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_notification_id'), ['notification_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_status'), ['status'], unique=False)




    _append_only_audit()


# The audit log is append-only: the database itself refuses to change or
# delete a row, whichever program connects to it.
def _append_only_audit() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )


ENUM_TYPES = (
    "actionstatus", "agencykind", "attendance", "attemptresult", "audience", "auditaction",
    "casestatus", "disseminationmethod", "incidenttype", "meetingstatus", "notificationstatus",
    "referralstatus", "retaliationrisk", "reviewstatus", "role",
)


def downgrade() -> None:

    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_status'))
        batch_op.drop_index(batch_op.f('ix_referral_person_id'))
        batch_op.drop_index(batch_op.f('ix_referral_notification_id'))
        batch_op.drop_index(batch_op.f('ix_referral_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_referral_incident_id'))

    op.drop_table('referral')
    with op.batch_alter_table('notification_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_attempt_notification_id'))

    op.drop_table('notification_attempt')
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_note_agenda_item_id'))

    op.drop_table('note')
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendance_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_attendance_attendee_id'))

    op.drop_table('meeting_attendance')
    with op.batch_alter_table('person_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_group_group_id'))

    op.drop_table('person_group')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_status'))
        batch_op.drop_index(batch_op.f('ix_notification_person_id'))
        batch_op.drop_index(batch_op.f('ix_notification_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_notification_incident_id'))
        batch_op.drop_index(batch_op.f('ix_notification_due_date'))
        batch_op.drop_index(batch_op.f('ix_notification_closed_in_meeting_id'))

    op.drop_table('notification')
    with op.batch_alter_table('involvement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_involvement_person_id'))
        batch_op.drop_index(batch_op.f('ix_involvement_incident_id'))
        batch_op.drop_index(batch_op.f('ix_involvement_group_id'))

    op.drop_table('involvement')
    with op.batch_alter_table('dissemination', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dissemination_receiving_agency_id'))
        batch_op.drop_index(batch_op.f('ix_dissemination_meeting_id'))

    op.drop_table('dissemination')
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendee_name_key'))
        batch_op.drop_index(batch_op.f('ix_attendee_agency_id'))

    op.drop_table('attendee')
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendment_meeting_id'))

    op.drop_table('amendment')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index('ix_agenda_item_meeting_position')
        batch_op.drop_index(batch_op.f('ix_agenda_item_incident_id'))

    op.drop_table('agenda_item')
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_item_status'))
        batch_op.drop_index(batch_op.f('ix_action_item_owner_agency_id'))
        batch_op.drop_index(batch_op.f('ix_action_item_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_action_item_incident_id'))
        batch_op.drop_index(batch_op.f('ix_action_item_due_date'))
        batch_op.drop_index(batch_op.f('ix_action_item_closed_in_meeting_id'))

    op.drop_table('action_item')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_name_key_dob')
        batch_op.drop_index(batch_op.f('ix_person_merged_into_id'))

    op.drop_table('person')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_status'))

    op.drop_table('meeting')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_type'))
        batch_op.drop_index(batch_op.f('ix_incident_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_incident_area_command'))

    op.drop_table('incident')
    op.drop_table('group_')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity')
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
    op.drop_table('agency')
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE")
        for name in ENUM_TYPES:
            op.execute(f"DROP TYPE IF EXISTS {name}")
