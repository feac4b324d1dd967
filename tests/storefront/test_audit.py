"""`make audit`, run by .ci/run before the suite: bandit finds nothing of high severity in the store's
code, and pip-audit is run so that a dependency it cannot look up fails it rather than passing (where
PyPI's vulnerability lookups are not reachable at all, .ci/audit-deps says so and skips it)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.storefront.production import ROOT

BANDIT = Path(sys.executable).with_name("bandit")
pytestmark = pytest.mark.skipif(not BANDIT.exists(), reason="bandit is a dev dependency (make install-dev)")


def _bandit(*targets: str, cwd: Path = ROOT) -> dict:
    result = subprocess.run(
        [str(BANDIT), "-c", str(ROOT / "pyproject.toml"), "-r", *targets, "-f", "json", "-q"],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )
    return json.loads(result.stdout)


def test_bandit_finds_nothing_of_high_severity_in_the_store():
    report = _bandit(".")
    high = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"] if r["issue_severity"] == "HIGH"]
    assert high == []
    scanned = set(report["metrics"]) - {"_totals"}
    assert not any(name.startswith(("./tests/", "./.venv/")) for name in scanned)
    assert "./accounts/documents.py" in scanned


def test_bandit_would_catch_a_high_severity_finding(tmp_path):
    (tmp_path / "run.py").write_text("import subprocess\n\ndef run(command):\n    return subprocess.call(command, shell=True)\n")
    report = _bandit(".", cwd=tmp_path)
    assert [r["test_id"] for r in report["results"] if r["issue_severity"] == "HIGH"] == ["B602"]


def test_ci_runs_the_audit_before_the_suite_and_pip_audit_is_strict():
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("make audit") < ci.index("make test")
    audit = re.search(r"^audit:.*?(?=^\S)", (ROOT / "Makefile").read_text(), re.M | re.S).group(0)
    assert "--severity-level high" in audit and "bandit -c pyproject.toml" in audit
    assert ".ci/audit-deps" in audit
    # --strict: a dependency pip-audit could not look up fails the audit.
    assert "pip-audit\" --strict" in (ROOT / ".ci" / "audit-deps").read_text()
