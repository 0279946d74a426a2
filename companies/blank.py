"""What counts as blank, on every surface: a query parameter, a spreadsheet cell, a
field compared in the history or by a stale-write check, a filter's cleaned value."""

from collections.abc import Collection


def is_blank(value) -> bool:
    """None, text of spaces only, an empty collection (or queryset), or a range with
    neither end: a value that says nothing, which every surface takes as not given."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, slice):
        return is_blank(value.start) and is_blank(value.stop)
    if isinstance(value, Collection) or hasattr(value, "exists"):
        return not value
    return False


def same(a, b) -> bool:
    """Equal, or both blank (an untranslated description is None or empty text)."""
    return a == b or (is_blank(a) and is_blank(b))
