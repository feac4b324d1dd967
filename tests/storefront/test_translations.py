"""The Spanish catalogue is complete: every string of the code, templates and emails is translated.

The test extracts the strings afresh (Django's makemessages) from a copy of the project, merges them
into a copy of the catalogue, and fails on any string left untranslated or marked fuzzy, and on any
translation whose placeholders differ from the English.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)
SKIP = shutil.ignore_patterns(".venv", ".git", "media", "staticfiles", "test-artifacts", "*.sqlite3", "__pycache__", "*.mo", "bench")


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def fresh_catalogue(tmp_path, monkeypatch, settings) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [copy / "locale"]
    call_command("makemessages", locale=["es"], ignore_patterns=["tests/*"], verbosity=0)
    return copy / "locale" / "es" / "LC_MESSAGES" / "django.po"


def test_every_string_is_translated_in_the_spanish_catalogue(fresh_catalogue):
    untranslated = _run("msgattrib", "--untranslated", "--no-obsolete", "--no-wrap", str(fresh_catalogue))
    fuzzy = _run("msgattrib", "--only-fuzzy", "--no-obsolete", "--no-wrap", str(fresh_catalogue))
    missing = [line for line in untranslated.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    marked = [line for line in fuzzy.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    assert missing == [], f"{len(missing)} strings have no Spanish translation"
    assert marked == [], f"{len(marked)} Spanish translations are marked fuzzy"


def test_every_spanish_translation_keeps_the_placeholders_of_the_english(tmp_path):
    catalogue = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(catalogue)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
