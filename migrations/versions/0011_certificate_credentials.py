"""certificate credentials

Every certificate's Open Badges 3.0 credential, signed once and kept as issued, with the
certificate's stable index in the Bitstring Status Lists.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 16:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_credentials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('status_index', sa.Integer(), nullable=False),
    sa.Column('credential_json', sa.Text(), nullable=False),
    sa.Column('verification_method', sa.String(length=300), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_credentials_certificate_id_certificates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_credentials')),
    sa.UniqueConstraint('certificate_id', name=op.f('uq_certificate_credentials_certificate_id')),
    sa.UniqueConstraint('status_index', name=op.f('uq_certificate_credentials_status_index'))
    )


def downgrade():
    op.drop_table('certificate_credentials')
