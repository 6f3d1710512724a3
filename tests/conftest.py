"""Shared by both lanes: a fixed pseudonym key, the repository's folders, small raw-data folders.

The fixtures that build (temporary pipeline locations, the sample year) are in tests/integration/conftest.py.
Every test is in one lane, marked and placed alike (pyproject.toml registers the markers): ``unit`` under
tests/unit/, ``integration`` (and ``slow`` when it takes more than 5 s on its own) under tests/integration/.
A module with a test outside its lane fails to collect (``pytest_make_collect_report`` below), so the run fails.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

# Tests never touch the user's key file.
os.environ["COACHING_PSEUDONYM_KEY"] = "test-key-not-secret"

REPO = Path(__file__).resolve().parents[1]
SAMPLE_RAW_DATA = REPO / "raw_data"

PROGRAMME_YAML = textwrap.dedent(
    """\
    name: Test programme
    municipality: Gemeente Utrecht
    year: 2018
    alpha: 0.05
    multiple_testing: holm
    min_pairs: 10
    disclosure_threshold: 10
    discount_rate: 0.03
    closing_meeting: 2019-01-31
    language: nl
    """
)

TOC_YAML = textwrap.dedent(
    """\
    id: {id}
    name: Demo initiative
    kind: resident_initiative
    problem: Weinig contact in de buurt.
    target_group: Bewoners van Oost
    activities: ["Wekelijkse koffieochtend"]
    outputs:
      - {{id: participants, label: Deelnemers, target: 40}}
    outcomes:
      - {{id: contact, label: Contact met buren, instrument: custom, type: numeric, min: 0, max: 10, unit: punten, higher_is_better: true}}
      - {{id: loneliness, label: Eenzaamheid, instrument: djg11}}
    impact: Een buurt waar mensen elkaar kennen.
    hypotheses:
      - {{id: H1, statement: "Deelnemers hebben meer contact met buren", outcome: contact, test: paired_t, direction: increase}}
    """
)


_opened: list[str] | None = None  # while a test asks for ``opened``: the real path of every file opened


def _record_open(event: str, args: tuple) -> None:
    if event == "open" and _opened is not None and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened.append(os.path.realpath(os.fsdecode(args[0])))


sys.addaudithook(_record_open)  # cannot be removed again; it records nothing unless ``opened`` is in use


@pytest.fixture
def opened():
    """The real paths of every file this process opens during the test (Python's audit hook sees every
    ``open``: by pandas, openpyxl, hashlib's reader or anything else); a test of "refused unread" asserts the
    target of a link is not among them."""
    global _opened
    _opened = []
    yield _opened
    _opened = None


def load_toc_text(root: Path, text: str, initiative_id: str = "demo", language: str | None = None):
    """Write ``text`` as ``<root>/<initiative_id>/theory_of_change.yaml`` and load it (its problems in
    ``language``; by default the programme's, Dutch without a programme.yaml)."""
    from impact.theory_of_change import load_theory_of_change

    (root / initiative_id).mkdir(exist_ok=True)
    (root / initiative_id / "theory_of_change.yaml").write_text(text, encoding="utf-8")
    return load_theory_of_change(root / initiative_id, root, language)


def toc_text_problems(root: Path, text: str, initiative_id: str = "demo", language: str | None = None) -> list[str]:
    """The problems the loader refuses ``text`` with (it must refuse it, naming the file)."""
    from impact.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        load_toc_text(root, text, initiative_id, language)
    assert err.value.source == f"{initiative_id}/theory_of_change.yaml"
    return err.value.problems


def write_demo_initiative(raw: Path, initiative_id: str = "demo") -> Path:
    (raw / "programme.yaml").write_text(PROGRAMME_YAML, encoding="utf-8")
    folder = raw / initiative_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "theory_of_change.yaml").write_text(TOC_YAML.format(id=initiative_id), encoding="utf-8")
    return folder


#: A participant register whose columns are perfectly valid.
VALID_PARTICIPANTS = "participant_id,enrolled_on,wijk,age_band\nA1,2018-01-02,Oost,18-29\n"


@pytest.fixture
def demo_raw(tmp_path) -> Path:
    """A raw-data folder with ``programme.yaml`` and the initiative ``demo`` (a Theory of Change only)."""
    raw = tmp_path / "raw_data"
    raw.mkdir()
    write_demo_initiative(raw)
    return raw


@pytest.fixture
def register_elsewhere(tmp_path) -> Path:
    """A file outside the raw-data folder holding a valid participant register: what a link must not let in."""
    target = tmp_path / "elsewhere" / "export.csv"
    target.parent.mkdir()
    target.write_text(VALID_PARTICIPANTS, encoding="utf-8")
    return target


TESTS = Path(__file__).resolve().parent
LANES = ("unit", "integration")


def lane_problem(item: pytest.Item) -> str | None:
    """What is wrong with the test's lane, or None: one of unit/integration, the one its folder names."""
    lanes = [lane for lane in LANES if item.get_closest_marker(lane)]
    try:
        folder = Path(item.path).resolve().relative_to(TESTS).parts[0]
    except ValueError:  # a test file outside tests/
        folder = None
    if len(lanes) != 1:
        return f"marked {' and '.join(lanes) if lanes else 'neither unit nor integration'}"
    if folder not in LANES:
        return "outside tests/unit/ and tests/integration/"
    if lanes[0] != folder:
        return f"marked {lanes[0]} but in tests/{folder}/"
    if item.get_closest_marker("slow") and lanes[0] != "integration":
        return "marked slow, which only an integration test may be"
    return None


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):  # make its --dist loadgroup group (see tests/xdist_groups.py)
        from tests.xdist_groups import XdistGroups

        config.pluginmanager.register(XdistGroups(config), "tests-xdist-groups")


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """A module with a test outside its lane fails to collect, before -m picks a lane (so with xdist too)."""
    report = yield
    if report.passed:
        problems = [f"{item.nodeid}: {problem}" for item in report.result
                    if isinstance(item, pytest.Item) and (problem := lane_problem(item))]
        if problems:
            report.outcome = "failed"
            report.longrepr = ("every test needs one lane: pytestmark = pytest.mark.unit in tests/unit/, "
                               "pytest.mark.integration in tests/integration/ (see tests/conftest.py)\n  "
                               + "\n  ".join(problems))
    return report
