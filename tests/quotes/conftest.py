"""The quotes tests use the orders tests' stocked catalog, and keep their PDFs in a folder of their own."""

import pytest

from tests.orders.conftest import stocked  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
