"""Russian dates with a non-breaking space before the year mark ("г."), so that it never
starts a line."""  # noqa: RUF002

DATE_FORMAT = "j E Y\u00a0г."
SHORT_DATE_FORMAT = "d.m.Y"
