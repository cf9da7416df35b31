"""Agreements remember a confirmed overbooking of the host (vereinbarungen.ueberbelegung)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 19:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vereinbarungen', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ueberbelegung', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('vereinbarungen', schema=None) as batch_op:
        batch_op.drop_column('ueberbelegung')
