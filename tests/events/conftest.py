from __future__ import annotations

import pytest

from tests.events.factories import EventFactory

VISITOR = {
    "first_name": "Vera",
    "last_name": "Visitor",
    "company": "Outside Co",
    "position": "Owner",
    "email": "vera@outside.test",
    "phone": "+1 305 555 0100",
    "country": "US",
}


@pytest.fixture
def event(db):
    return EventFactory(title="Notebook launch", country="MX", capacity=50)


@pytest.fixture
def visitor_data() -> dict[str, str]:
    return dict(VISITOR)
