"""Pieces every API module shares."""

from django.db.models import QuerySet


def paginate(qs: QuerySet, page: int, page_size: int) -> tuple[list, int]:
    """One count and one page query: ``(rows, count)``; a page past the end is empty, not an error."""
    count = qs.count()
    start = (max(page, 1) - 1) * page_size
    return (list(qs[start : start + page_size]) if start < count else []), count
