"""Datenstand as a time-based number (never repeats after a restore)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 17:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('datenstand', schema=None) as batch_op:
        batch_op.alter_column('version', existing_type=sa.Integer(), type_=sa.BigInteger(),
                              existing_nullable=False)


def downgrade():
    # Microsecond versions do not fit a 32-bit integer; any new number invalidates the caches.
    op.execute("UPDATE datenstand SET version = 1")
    with op.batch_alter_table('datenstand', schema=None) as batch_op:
        batch_op.alter_column('version', existing_type=sa.BigInteger(), type_=sa.Integer(),
                              existing_nullable=False)
