"""Where a finding is, for the renderings CI reads (SARIF, workflow annotations, JUnit): the file that
shows it (a recording, a contract or the OpenAPI document given) and the operation it is about."""

from __future__ import annotations

from typing import Final

from apidrift.report.model import RESPONSE_FINDING_KINDS, DriftReport, FindingEntry, RunKind

# Where a contract version lives below the contracts root, as `apidrift contracts` lays it out.
CONTRACT_FILE: Final = "contracts/{api}/{version}/contract.json"


def contract_file(api: str | None, version: str | None) -> str | None:
    """The contract of one version of one API, relative to the folder above the contracts root."""
    if not api or not version:
        return None
    return CONTRACT_FILE.format(api=api, version=version)


def finding_file(report: DriftReport, finding: FindingEntry) -> str | None:
    """The file a person opens to see the finding: the response's recording, else the document or
    contract of the version it is in (a removal is in the old side, everything else in the new)."""
    if finding.file:
        return (
            recording_file(report, finding.file) if finding.kind in RESPONSE_FINDING_KINDS else finding.file
        )
    if report.metadata.kind is RunKind.DIFF:
        return document(report, _side(report, finding))
    return contract_file(report.metadata.api, finding.version)


def recording_file(report: DriftReport, file: str) -> str:
    """A response's file as the run's folder names it: recordings are named within their folder."""
    sources = report.metadata.sources
    folder = sources[0] if len(sources) == 1 and report.metadata.kind in (RunKind.CHECK, RunKind.LIVE) else ""
    if not folder or folder == "." or file.startswith(("/", f"{folder}/")):
        return file
    return f"{folder}/{file}"


def document(report: DriftReport, version: str | None) -> str | None:
    """A diff side's document: the OpenAPI file or folder given for it, else its stored contract."""
    meta = report.metadata
    if version is None or version not in meta.versions:
        return contract_file(meta.api, version)
    index = meta.versions.index(version)
    given = meta.sources[index] if len(meta.sources) == len(meta.versions) else version
    return given if given != version else contract_file(meta.api, version)


def _side(report: DriftReport, finding: FindingEntry) -> str | None:
    versions = report.metadata.versions
    if finding.kind.endswith("-removed") and finding.version in versions[1:]:
        return versions[versions.index(finding.version) - 1]
    return finding.version


def subject(finding: FindingEntry) -> str | None:
    """What a finding is about: its operation, or the shared definition a grouped change is in."""
    if finding.operation is None and finding.reaches:
        return finding.path
    return finding.operation


def place(finding: FindingEntry) -> str:
    """The finding's place in one line: subject, location and path (`listUsers response 200 data[].id`)."""
    parts = (subject(finding), finding.location, finding.path if finding.path != subject(finding) else None)
    return " ".join(p for p in parts if p) or "(api)"


def finding_text(report: DriftReport, finding: FindingEntry) -> str:
    """The finding in one sentence that names its place and version (a diff's: the step it is in)."""
    version = f" (against {finding.version})" if finding.version else ""
    versions = report.metadata.versions
    if report.metadata.kind is RunKind.DIFF and finding.version in versions[1:]:
        version = f" ({versions[versions.index(finding.version) - 1]} → {finding.version})"
    named = subject(finding)
    # A grouped change's message already begins with the definition it names.
    if named and finding.message.startswith(f"{named}:"):
        return finding.message + version
    return f"{place(finding)}: {finding.message}{version}"
