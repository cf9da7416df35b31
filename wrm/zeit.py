"""Local time of the county: the end of a day ("Stichtag") and display of timestamps."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZEITZONE = ZoneInfo("Europe/Berlin")


def als_ortszeit(zeitpunkt: datetime) -> datetime:
    """The timestamp in the county's time zone."""
    return zeitpunkt.astimezone(ZEITZONE)


def tagesende(tag: date) -> datetime:
    """The first instant after the end of that local day, in UTC (figures "as of" the day)."""
    return datetime.combine(tag + timedelta(days=1), time(0), tzinfo=ZEITZONE).astimezone(UTC)


def tagesbeginn(tag: date) -> datetime:
    """The first instant of that local day, in UTC."""
    return tagesende(tag - timedelta(days=1))


def heute() -> date:
    """Today in the county's time zone."""
    return datetime.now(ZEITZONE).date()

