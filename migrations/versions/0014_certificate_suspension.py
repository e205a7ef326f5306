"""certificate suspension

A reversible withdrawal of a certificate (W3C Bitstring Status List purpose `suspension`):
when, why and by whom; revocation becomes final, and a revoked certificate is never also
suspended (a check constraint). Certificates revoked before stay revoked; those reinstated
before are valid, and their history keeps the old `certificate_reinstated` events.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('suspended_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('suspended_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_certificates_suspended_by_id_users'), 'users', ['suspended_by_id'], ['id']
        )
        batch_op.create_check_constraint(
            'revoked_not_suspended', 'revoked_at IS NULL OR suspended_at IS NULL'
        )


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_certificates_revoked_not_suspended'), type_='check')
        batch_op.drop_constraint(
            batch_op.f('fk_certificates_suspended_by_id_users'), type_='foreignkey'
        )
        batch_op.drop_column('suspended_by_id')
        batch_op.drop_column('suspended_reason')
        batch_op.drop_column('suspended_at')
