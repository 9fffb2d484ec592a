"""Contract tests of an API with apidrift's pytest plugin (here the petstore example; copy and rename).

    pytest test_petstore_contract.py --apidrift-api petstore --apidrift-contracts contracts

Each operation of the version under test (`--apidrift-version`, default the newest) gets two tests: its
responses (the recordings beside the contracts, or a server's with `--apidrift-base-url`) must validate
against that version, and their shape must match the snapshot (`--snapshot-update` accepts a change).
"""

from __future__ import annotations

from typing import Any

import pytest

from apidrift.contracts.model import ContractVersion
from apidrift.testing.plugin import Checker, Responses
from apidrift.testing.snapshots import operation_shape


def test_responses_match_the_contract(
    apidrift_operation: str, apidrift_responses: Responses, apidrift_checker: Checker
) -> None:
    problems = [
        line
        for response in apidrift_responses(apidrift_operation)
        for line in apidrift_checker.problems(apidrift_operation, response)
    ]
    if problems:  # each names the field, and a rename when another version has the new name
        pytest.fail("\n".join(problems), pytrace=False)


def test_response_shapes(
    apidrift_operation: str,
    apidrift_contract: ContractVersion,
    apidrift_responses: Responses,
    apidrift_snapshot: Any,
) -> None:
    seen = [(r.source, r.status, r.body) for r in apidrift_responses(apidrift_operation)]
    shape = operation_shape(apidrift_contract, apidrift_operation, seen)
    assert apidrift_snapshot(name=shape.name) == shape  # a failure lists renames, removals, additions
