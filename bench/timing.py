"""Small helpers for timing requests made in-process with django.test.Client."""

import statistics
import time
from dataclasses import dataclass


@dataclass
class Timing:
    samples: list[float]  # seconds

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.samples, n=100, method="inclusive")[94] * 1000

    @property
    def max_ms(self) -> float:
        return max(self.samples) * 1000


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def consume(response) -> int:
    """Read a (possibly streaming) response to the end, as a browser would; returns its size."""
    if getattr(response, "streaming", False):
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        return size
    return len(response.content)


class QueryCounter:
    """Counts the SQL statements run inside the block (works with DEBUG off, unlike connection.queries)."""

    def __init__(self, connection):
        self.connection, self.count = connection, 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = self.connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)
