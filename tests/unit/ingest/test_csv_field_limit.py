"""csv's process-wide field limit: raised while any drop is read, put back when the last read ends."""

from __future__ import annotations

import csv
import threading

import pytest

from impact.ingest.readers import CSV_FIELD_LIMIT, long_csv_cells

pytestmark = pytest.mark.unit


def test_the_limit_holds_while_any_thread_reads_and_is_put_back_after_the_last():
    default = csv.field_size_limit()
    a_inside, b_inside, a_left = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, int] = {}

    def first() -> None:
        with long_csv_cells():
            a_inside.set()
            b_inside.wait(5)
        a_left.set()

    def second() -> None:
        a_inside.wait(5)
        with long_csv_cells():
            b_inside.set()
            a_left.wait(5)
            seen["after the first left"] = csv.field_size_limit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"after the first left": CSV_FIELD_LIMIT}
    assert csv.field_size_limit() == default
