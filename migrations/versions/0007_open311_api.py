"""open311 api keys and service attributes

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_api_keys_name_not_empty')),
    sa.CheckConstraint('length(secret_hash) = 64', name=op.f('ck_api_keys_hash_is_sha256')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_keys_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_api_keys_secret_hash'))
    )
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_keys_prefix'), ['prefix'], unique=False)

    op.create_table('category_attributes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('datatype', sa.String(length=16), nullable=False),
    sa.Column('required', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('variable', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('description_vi', sa.String(length=500), nullable=False),
    sa.Column('description_en', sa.String(length=500), nullable=False),
    sa.Column('hint_vi', sa.String(length=255), nullable=True),
    sa.Column('hint_en', sa.String(length=255), nullable=True),
    sa.CheckConstraint("datatype IN ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist')", name=op.f('ck_category_attributes_datatype_known')),
    sa.CheckConstraint('length(code) > 0', name=op.f('ck_category_attributes_code_not_empty')),
    sa.CheckConstraint('position > 0', name=op.f('ck_category_attributes_position_positive')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_category_attributes_category_id_categories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_attributes')),
    sa.UniqueConstraint('category_id', 'code', name='uq_category_attributes_code'),
    sa.UniqueConstraint('category_id', 'position', name='uq_category_attributes_position')
    )
    with op.batch_alter_table('category_attributes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_attributes_category_id'), ['category_id'], unique=False)

    op.create_table('api_submissions',
    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('api_key_id', sa.Integer(), nullable=False),
    sa.Column('address_id', sa.String(length=64), nullable=True),
    sa.Column('media_url', sa.String(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['api_key_id'], ['api_keys.id'], name=op.f('fk_api_submissions_api_key_id_api_keys')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_api_submissions_case_id_cases')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_api_submissions'))
    )
    with op.batch_alter_table('api_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_submissions_api_key_id'), ['api_key_id'], unique=False)

    op.create_table('attribute_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attribute_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('length(key) > 0', name=op.f('ck_attribute_options_key_not_empty')),
    sa.ForeignKeyConstraint(['attribute_id'], ['category_attributes.id'], name=op.f('fk_attribute_options_attribute_id_category_attributes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attribute_options')),
    sa.UniqueConstraint('attribute_id', 'key', name='uq_attribute_options_key')
    )
    op.create_table('case_attribute_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('attribute_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['attribute_id'], ['category_attributes.id'], name=op.f('fk_case_attribute_values_attribute_id_category_attributes')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_attribute_values_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_attribute_values')),
    sa.UniqueConstraint('case_id', 'attribute_id', 'position', name='uq_case_attribute_values_answer')
    )
    with op.batch_alter_table('case_attribute_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_attribute_values_case_id'), ['case_id'], unique=False)



def downgrade():
    with op.batch_alter_table('case_attribute_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_attribute_values_case_id'))

    op.drop_table('case_attribute_values')
    op.drop_table('attribute_options')
    with op.batch_alter_table('api_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_submissions_api_key_id'))

    op.drop_table('api_submissions')
    with op.batch_alter_table('category_attributes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_attributes_category_id'))

    op.drop_table('category_attributes')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_keys_prefix'))

    op.drop_table('api_keys')
