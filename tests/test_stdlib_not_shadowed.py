"""The app folders site/ and calendar/ must never hide Python's own modules."""

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import calendar, json, site, sysconfig, datetime
from django.utils import dateformat, formats, translation
from circuitcourt.calendar.apps import SeasonalCalendarConfig
translation.activate("fr")
d = datetime.date(2026, 11, 23)
print(json.dumps({
    "calendar": calendar.__file__,
    "site": site.__file__,
    "month_name": calendar.month_name[11],
    "leap": calendar.isleap(2028),
    "django_date": dateformat.format(d, "l j F Y"),
    "django_short": formats.date_format(d, "SHORT_DATE_FORMAT"),
    "app_path": SeasonalCalendarConfig.path,
}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("cwd", [ROOT, ROOT / "calendar", ROOT / "site"], ids=str)
def test_manage_shell_imports_the_standard_library(cwd):
    """From the project root (and from inside the folders) `import calendar, site` is stdlib."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", PROBE],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "circuitcourt.site.settings.test"},
    )
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert Path(facts["calendar"]).resolve().parent == stdlib
    assert Path(facts["site"]).resolve().parent == stdlib
    assert facts["month_name"] == "November"
    assert facts["leap"] is True
    # Django's date formatting (which itself uses the calendar module) speaks French.
    assert facts["django_date"] == "lundi 23 novembre 2026"
    assert facts["django_short"] == "23/11/2026"
    # And our app, imported as circuitcourt.calendar, lives in the calendar/ folder.
    assert Path(facts["app_path"]) == ROOT / "calendar"
