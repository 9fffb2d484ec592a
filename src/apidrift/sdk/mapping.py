"""Which SDK model parses which operation's response, and importing that SDK lazily.

The mapping is a JSON file (`openai_models.json` ships for the official `openai` package):
`{"module": "openai", "tested_with": "3.54.0", "operations": {"usage-costs": {"model":
"openai.types.admin.organization.usage_costs_response.UsageCostsResponse"}, "list-invites":
{"model": "….Invite", "page": "openai.pagination.SyncConversationCursorPage"}}}`.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, ValidationError

from apidrift.sdk.errors import SdkMappingError, SdkModuleError

BUNDLED = {"openai": "openai_models.json"}
INSTALL_HINT = {"openai": "pip install 'apidrift[openai]'"}


class MappedModel(BaseModel):
    """The model (and, for lists, the page class around it) an SDK parses one operation's 200 into."""

    model_config = ConfigDict(extra="forbid")

    model: str
    page: str | None = None
    sdk_method: str | None = None


class ModelMapping(BaseModel):
    """Operation id → model, for one SDK package."""

    model_config = ConfigDict(extra="forbid")

    module: str
    tested_with: str | None = None
    description: str = ""
    operations: dict[str, MappedModel]


@dataclass(frozen=True)
class ResolvedModel:
    """A mapped operation with its model class imported (wrapped in its page class for lists)."""

    operation: str
    dotted: str
    label: str
    target: type[BaseModel]
    sdk_method: str | None


def load_mapping(module: str, file: Path | None = None) -> tuple[ModelMapping, str]:
    """The mapping for `module` (the bundled one unless `file` is given) and a name to report it by."""
    if file is None:
        if module not in BUNDLED:
            known = ", ".join(sorted(BUNDLED))
            raise SdkMappingError(
                f"no bundled operation → model mapping for {module!r} (bundled: {known}); pass --mapping FILE"
            )
        text = (resources.files("apidrift.sdk") / BUNDLED[module]).read_text(encoding="utf-8")
        name = f"apidrift/sdk/{BUNDLED[module]}"
    else:
        name = file.as_posix()
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise SdkMappingError(f"cannot read mapping: {exc.strerror}", file=name) from None
    try:
        mapping = ModelMapping.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise SdkMappingError(f"not JSON: {exc.msg} at line {exc.lineno}", file=name) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        pointer = "/" + "/".join(str(p) for p in first["loc"])
        raise SdkMappingError(first["msg"], file=name, pointer=pointer) from None
    if mapping.module != module:
        raise SdkMappingError(
            f"mapping is for module {mapping.module!r}, not {module!r}", file=name, pointer="/module"
        )
    return mapping, name


def import_sdk(module: str) -> ModuleType:
    """Import the SDK package, or say in one line that it is not installed."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.split(".")[0] == exc.name.split(".")[0]:
            hint = INSTALL_HINT.get(module, f"pip install {module}")
            raise SdkModuleError(f"module {module!r} is not installed ({hint})") from None
        raise SdkModuleError(f"cannot import {module!r}: {exc}") from None
    except ImportError as exc:
        raise SdkModuleError(f"cannot import {module!r}: {exc}") from None


def module_version(module: str) -> str | None:
    try:
        return importlib.metadata.version(module.split(".")[0])
    except importlib.metadata.PackageNotFoundError:
        return None


def resolve(operation: str, entry: MappedModel, mapping_name: str) -> ResolvedModel:
    """Import the entry's model (and page class); a name that is not a pydantic model is an error."""
    pointer = f"/operations/{operation}"
    model = _import_class(entry.model, mapping_name, f"{pointer}/model")
    if entry.page is None:
        return ResolvedModel(operation, entry.model, model.__name__, model, entry.sdk_method)
    page = _import_class(entry.page, mapping_name, f"{pointer}/page")
    # Pagination classes are generic pydantic models: Page[Item] validates the whole list body.
    target = cast(type[BaseModel], cast(Any, page)[model])
    label = f"{page.__name__}[{model.__name__}]"
    return ResolvedModel(operation, f"{entry.page}[{entry.model}]", label, target, entry.sdk_method)


def _import_class(dotted: str, mapping_name: str, pointer: str) -> type[BaseModel]:
    module_name, _, attribute = dotted.rpartition(".")
    try:
        found = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError):
        raise SdkMappingError(f"{dotted!r} cannot be imported", file=mapping_name, pointer=pointer) from None
    if not (isinstance(found, type) and issubclass(found, BaseModel)):
        raise SdkMappingError(f"{dotted!r} is not a pydantic model", file=mapping_name, pointer=pointer)
    return found
