import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from overview.selectors import OverviewReader
from tests.overview.statistics_world import stats  # noqa: F401
from tests.placement_world import pworld  # noqa: F401
from tests.sipflow_world import World, world  # noqa: F401


@pytest.fixture(autouse=True)
def rows_read_whole(monkeypatch):
    """Every page of a chef's list that these tests read (each list by the clock, the
    scoping, the digest) is checked as it is read: what its rows show (``describe``, the
    link, the people, the API's row) reads nothing more from the database. A list that
    reads only some columns of its rows (``OverviewRows.row_fields``) and leaves out one it
    shows would read it one row at a time."""
    from api.views.overview import _late_section

    list_row = OverviewReader._list_row
    page = OverviewReader.page

    def described(self, spec, row, days_said):
        with CaptureQueriesContext(connection) as queries:
            built = list_row(self, spec, row, days_said)
        assert not queries.captured_queries, (spec.code, queries.captured_queries)
        return built

    def checked(self, spec, **kwargs):
        read = page(self, spec, **kwargs)
        with CaptureQueriesContext(connection) as queries:
            for item in read.rows:
                if spec.case_url is not None:
                    spec.case_url(item.row)
            [str(person) for person in read.persons]
            _late_section(read)
        assert not queries.captured_queries, (spec.code, queries.captured_queries)
        return read

    monkeypatch.setattr(OverviewReader, "_list_row", described)
    monkeypatch.setattr(OverviewReader, "page", checked)
