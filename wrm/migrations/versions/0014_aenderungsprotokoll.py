"""The change log of writes (aenderungsprotokoll) and the version before the last write
(datenstand.vorher), so a worker keeps the history in memory and loads only what was added

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 03:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('aenderungsprotokoll',
    sa.Column('version', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('vorher', sa.BigInteger(), nullable=True),
    sa.Column('verlaufseintraege', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_aenderungsprotokoll'))
    )
    with op.batch_alter_table('datenstand', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vorher', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('datenstand', schema=None) as batch_op:
        batch_op.drop_column('vorher')
    op.drop_table('aenderungsprotokoll')
