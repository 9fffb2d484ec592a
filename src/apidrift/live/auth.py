"""Where a live run sends its key: the profile's `[auth]` when it sets one, else where the contract's
security schemes say (a bearer token, or the key alone in a named header)."""

from __future__ import annotations

from apidrift.contracts.model import ContractVersion
from apidrift.contracts.security import key_credential
from apidrift.profiles.model import ApiProfile, Auth


def with_contract_auth(profile: ApiProfile, version: ContractVersion) -> ApiProfile:
    """`profile`, its auth taken from `version`'s security schemes when the profile names none; a key
    the contract wants in a query parameter or cookie is left to the profile (it has no words for it)."""
    if "auth" in profile.model_fields_set:
        return profile
    found = key_credential(version)
    if found is None or found.place != "header":
        return profile
    if found.scheme == "bearer":
        auth = Auth(scheme="bearer")
    elif found.scheme is None:
        auth = Auth(scheme="header", header=found.name)
    else:
        return profile  # basic and other HTTP schemes take more than one key
    return profile.model_copy(update={"auth": auth})
