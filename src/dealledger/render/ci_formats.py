"""`check` output for the tools CI already runs: editors, GitHub, GitLab, code scanning, JUnit.

Each renderer takes the problems (and, where the format needs it, the ledger) and returns the
whole document as one string. Machine formats carry no decoration: no count line, no colour,
nothing a parser has to skip. Problem text comes from deal files written by strangers, so
every format escapes it the way its own consumer reads it (workflow-command escaping for
GitHub, JSON string escaping, XML escaping with the characters XML 1.0 forbids replaced).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

from ..domain.problems import CODES, Problem, Severity
from ..domain.safe_text import terminal_safe
from ..reports.check import problem_record
from .jsonout import dumps

if TYPE_CHECKING:
    from ..ledger import Ledger

TOOL_NAME = "dealledger"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"


def _where(problem: Problem) -> str:
    where = problem.path
    if problem.line is not None:
        where += f":{problem.line}:{problem.column or 1}"
    return where


# --------------------------------------------------------------------------- concise


def render_concise(problems: Iterable[Problem]) -> str:
    """One `path:line:col: severity CODE message` line per problem and nothing else.

    The text format without its count line: what editors' error parsers (vim's errorformat
    `%f:%l:%c: %m`, VS Code problem matchers) and `grep` want.
    """
    return "".join(
        terminal_safe(f"{_where(p)}: {p.severity.value} {p.code} {p.message}") + "\n"
        for p in problems
    )


# --------------------------------------------------------------------------- json-lines


def render_json_lines(problems: Iterable[Problem]) -> str:
    """One compact JSON object per line, the same keys as `check --format json` problems."""
    return "".join(dumps(problem_record(p), indent=None) + "\n" for p in problems)


# --------------------------------------------------------------------------- github


def _escape_data(text: str) -> str:
    """GitHub's workflow-command escaping of a message (actions/toolkit `escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """GitHub's escaping of a property value (`escapeProperty`): also `:` and `,`."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(problems: Iterable[Problem]) -> str:
    """GitHub Actions annotations: `::error file=…,line=…,col=…,title=…::message`.

    The runner turns each line into an annotation on the pull request's diff. Control and
    bidi characters are made visible first so that a deal file cannot smuggle a second
    workflow command (`::add-mask::`, `::stop-commands::`) into the log.
    """
    lines = []
    for problem in problems:
        kind = "error" if problem.severity is Severity.ERROR else "warning"
        properties = [f"file={_escape_property(terminal_safe(problem.path))}"]
        if problem.line is not None:
            properties.append(f"line={problem.line}")
            if problem.end_line is not None:
                properties.append(f"endLine={problem.end_line}")
            properties.append(f"col={problem.column or 1}")
            if problem.end_column is not None:
                properties.append(f"endColumn={problem.end_column}")
        title = f"{problem.code} {CODES.get(problem.code, '')}".strip()
        properties.append(f"title={_escape_property(title)}")
        message = _escape_data(terminal_safe(problem.message))
        lines.append(f"::{kind} {','.join(properties)}::{message}\n")
    return "".join(lines)


# --------------------------------------------------------------------------- gitlab

GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}


def _fingerprint(problem: Problem, occurrence: int) -> str:
    """A stable identity for GitLab to match a problem across pipelines.

    The line is left out on purpose: adding a deal above a problem must not make GitLab
    report it as fixed and new again. Identical problems in one file are told apart by
    their order of occurrence.
    """
    key = "\0".join((problem.path, problem.code, problem.message, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def render_gitlab(problems: Iterable[Problem]) -> str:
    """GitLab Code Quality report: a JSON array GitLab shows on merge requests."""
    seen: Counter[tuple[str, str, str]] = Counter()
    issues = []
    for problem in problems:
        identity = (problem.path, problem.code, problem.message)
        seen[identity] += 1
        issues.append(
            {
                "type": "issue",
                "description": f"{problem.code} {problem.message}",
                "check_name": problem.code,
                "categories": ["Bug Risk"],
                "fingerprint": _fingerprint(problem, seen[identity]),
                "severity": GITLAB_SEVERITY[problem.severity],
                "location": {
                    "path": _posix(problem.path),
                    "lines": {
                        "begin": problem.line or 1,
                        "end": problem.end_line or problem.line or 1,
                    },
                },
            }
        )
    return dumps(issues) + "\n"


# --------------------------------------------------------------------------- sarif


def _posix(path: str) -> str:
    return PurePath(path).as_posix() if "\\" in path else path


ROOT_BASE_ID = "LEDGERROOT"


def _location(path: str, root: str | None) -> dict[str, Any]:
    """An artifactLocation relative to the ledger root, whatever folder `check` ran in.

    Paths are shown relative to the working folder, so a run from `deals/2025/` would
    otherwise upload `../../dealledger.toml`; code scanning matches results to files by
    their path from the repository root. A file outside the root keeps an absolute
    `file://` URI.
    """
    absolute = os.path.abspath(path)  # noqa: PTH100 - links kept as the user reached them
    if root is not None:
        relative = os.path.relpath(absolute, root)
        if not relative.startswith(os.pardir):
            return {"uri": _quoted(PurePath(relative).as_posix()), "uriBaseId": ROOT_BASE_ID}
    if root is not None:
        return {"uri": "file://" + _quoted(PurePath(absolute).as_posix())}
    return {"uri": _quoted(_posix(path))}


def _quoted(path: str) -> str:
    """A URI reference for a path: spaces, `%` and bytes that are not UTF-8 encoded."""
    return quote(path.encode("utf-8", "surrogateescape"), safe="/-._~")


def _fingerprints(problems: Sequence[Problem]) -> list[str]:
    """Line-independent identities (path, code, message, occurrence), as GitLab's above."""
    seen: Counter[tuple[str, str, str]] = Counter()
    found = []
    for problem in problems:
        identity = (problem.path, problem.code, problem.message)
        seen[identity] += 1
        found.append(_fingerprint(problem, seen[identity]))
    return found


def render_sarif(
    problems: Sequence[Problem],
    version: str,
    root: str | None = None,
    help_url: str | None = None,
) -> str:
    """SARIF 2.1.0, the format GitHub code scanning (`upload-sarif`) and IDE viewers read.

    Every stable code is a rule, so a viewer can explain codes that did not fire in this run
    and filters written against rule ids keep working. `help_url` is the problem-codes page
    (`[check] docs-url`); each rule then links to its own section of it.
    """
    codes = list(CODES)
    rules = []
    for code, description in CODES.items():
        rule: dict[str, Any] = {
            "id": code,
            "name": code,
            "shortDescription": {"text": description},
            "fullDescription": {"text": f"{code}: {description}"},
            "help": {"text": f"{code}: {description}. See docs/problem-codes.md#{code.lower()}."},
        }
        if help_url:
            rule["helpUri"] = f"{help_url.split('#')[0]}#{code.lower()}"
        rules.append(rule)
    results = []
    for problem, fingerprint in zip(problems, _fingerprints(problems), strict=True):
        location: dict[str, Any] = {"artifactLocation": _location(problem.path, root)}
        if problem.line is not None:
            region: dict[str, int] = {"startLine": problem.line, "startColumn": problem.column or 1}
            if problem.end_line is not None and problem.end_column is not None:
                # SARIF's endColumn is the column just past the region.
                region["endLine"] = problem.end_line
                region["endColumn"] = problem.end_column + 1
            location["region"] = region
        result: dict[str, Any] = {
            "ruleId": problem.code,
            "level": "error" if problem.severity is Severity.ERROR else "warning",
            "message": {"text": problem.message},
            "locations": [{"physicalLocation": location}],
            "partialFingerprints": {"dealledgerProblem/v1": fingerprint},
        }
        if problem.code in CODES:
            result["ruleIndex"] = codes.index(problem.code)
        results.append(result)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": version,
                "semanticVersion": version,
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if root is not None:
        run["originalUriBaseIds"] = {
            ROOT_BASE_ID: {"uri": "file://" + _quoted(PurePath(root).as_posix().rstrip("/") + "/")}
        }
    document = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return dumps(document) + "\n"


# --------------------------------------------------------------------------- junit

# Characters XML 1.0 cannot hold at all, not even as character references.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Text for an XML attribute or element, escaped like every other output (C0, C1, bidi,
    invisible characters and the bytes of names that are not UTF-8 as visible escapes), then
    anything XML 1.0 still cannot hold."""
    return _XML_INVALID.sub(lambda m: f"\\x{ord(m.group()):02x}", terminal_safe(text))


def checked_files(ledger: Ledger) -> list[str]:
    """Every file the check looked at: the valid deals plus each file with a problem."""
    files = {entry.display for entry in ledger.entries}
    files.update(problem.path for problem in ledger.problems)
    return sorted(files)


def render_junit(ledger: Ledger) -> str:
    """JUnit XML: a testsuite per file, a failing testcase per problem.

    A clean file is one passing testcase, so CI test views count the files checked. Warnings
    are failures too (type="warning"), as the format has no weaker verdict; `--strict`
    decides the exit code, not this report.
    """
    by_file: dict[str, list[Problem]] = {path: [] for path in checked_files(ledger)}
    for problem in ledger.problems:
        by_file[problem.path].append(problem)
    root = ET.Element(
        "testsuites",
        name=TOOL_NAME,
        tests=str(sum(max(1, len(found)) for found in by_file.values())),
        failures=str(len(ledger.problems)),
        errors="0",
    )
    for path, found in by_file.items():
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_xml_text(path),
            tests=str(max(1, len(found))),
            failures=str(len(found)),
            errors="0",
            skipped="0",
        )
        if not found:
            ET.SubElement(suite, "testcase", classname=_xml_text(path), name="check")
            continue
        for problem in found:
            position = f"{problem.line}:{problem.column or 1}" if problem.line else "-"
            case = ET.SubElement(
                suite,
                "testcase",
                classname=_xml_text(path),
                name=_xml_text(f"{problem.code} {position}: {problem.message}"),
            )
            failure = ET.SubElement(
                case,
                "failure",
                type=problem.severity.value,
                message=_xml_text(f"{problem.code} {problem.message}"),
            )
            failure.text = _xml_text(
                f"{_where(problem)}: {problem.severity.value} {problem.code} {problem.message}"
            )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
