"""English dates as British English writes them (the site's spelling is British): 30 June
2021, on every page and chart."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
