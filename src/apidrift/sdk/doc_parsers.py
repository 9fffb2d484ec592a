"""Reading an SDK reference document: each parser says whether it recognises the text, the first
that does (and finds operations) parses it. The data types live in `documents`, below both parsers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

from apidrift.sdk import generator_docs, stainless_docs
from apidrift.sdk.documents import SdkDocument
from apidrift.sdk.errors import SdkDocumentError

# (recognises, parse) per documentation style, tried in this order.
PARSERS: Final[tuple[tuple[Callable[[str], bool], Callable[[str, str], SdkDocument]], ...]] = (
    (generator_docs.recognises, generator_docs.parse),
    (stainless_docs.recognises, stainless_docs.parse),
)


def parse_document(text: str, file: str) -> SdkDocument:
    """Recognise the document's style and parse it; raise when neither style finds an operation."""
    for recognises, parse in PARSERS:
        if recognises(text):
            document = parse(text, file)
            if document.operations:
                return document
    raise SdkDocumentError(
        "no SDK operations found: neither an openapi-generator method table "
        "(`[**Name**](…) | **GET** /path | …`) nor Stainless reference lines (`GET/path`)",
        file=file,
    )


def load_document(path: Path, display: str | None = None) -> SdkDocument:
    """Read and parse one document file, naming it (as `display`) in every error."""
    name = display or path.as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SdkDocumentError("no such file", file=name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SdkDocumentError(f"cannot read: {exc}", file=name) from None
    return parse_document(text, name)
