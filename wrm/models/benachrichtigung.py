"""Benachrichtigung: an e-mail waiting to be sent (a transactional outbox).

Written in the same transaction as the change it reports, so no change goes unreported and no
e-mail reports a change that was rolled back; `wrm benachrichtigen` (cron) sends them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wrm.db import Base, UtcDateTime


class Benachrichtigung(Base):
    """One e-mail to one address."""

    __tablename__ = "benachrichtigungen"
    # "What is still to send" is the common question, asked by every cron run.
    __table_args__ = (Index("ix_benachrichtigungen_gesendet_am", "gesendet_am"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    empfaenger: Mapped[str] = mapped_column(String(320))
    betreff: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    angelegt_am: Mapped[datetime] = mapped_column(UtcDateTime)
    gesendet_am: Mapped[datetime | None] = mapped_column(UtcDateTime)
    versuche: Mapped[int] = mapped_column(default=0)
    letzter_fehler: Mapped[str | None] = mapped_column(Text)
