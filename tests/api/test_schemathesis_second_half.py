"""The second half of the fuzzed operations (tests/api/test_schemathesis.py says how and why).

A file of its own because `-n 2 --dist loadfile` gives each worker whole files: the two halves run side by side.
"""

from __future__ import annotations

import pytest

from tests.api.helpers import Api
from tests.api.test_schemathesis import fuzz_shard


@pytest.mark.parametrize("api_server", ["sqlite"], indirect=True)
def test_fuzzed_operations_of_the_second_half_never_answer_500_and_match_the_schema(api: Api) -> None:
    fuzz_shard(api, 1)
