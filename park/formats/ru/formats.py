"""Russian dates with a non-breaking space before «г.», so that it never starts a line."""

DATE_FORMAT = "j E Y\u00a0г."
SHORT_DATE_FORMAT = "d.m.Y"
