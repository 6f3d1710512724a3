"""``--dist loadgroup`` that groups: each ``xdist_group`` runs on one worker, its tests one after the other.

pytest-xdist 3.8.0 groups by appending ``@group`` to the node ids a worker reports, which pytest 9.2 no
longer allows, so its loadgroup silently distributes grouped tests like any others
(https://github.com/pytest-dev/pytest-xdist/issues/1386). This plugin passes the groups aside instead:
every worker writes {node id: group} of what it collected into a folder the controller made, and the
controller's scheduler (xdist's own loadgroup scheduler) reads its scopes from there. A node id that
already carries ``@group`` (a fixed xdist) is left to xdist. tests/conftest.py registers the plugin when
xdist is active; remove it once xdist groups on the pinned pytest again.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from xdist.scheduler import LoadGroupScheduling

FOLDER_KEY = "tests_xdist_groups"


def group_of(item: pytest.Item) -> str | None:
    """The item's group as xdist names it (several groups join with ``_``), or None."""
    names = {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
    return "_".join(sorted(names)) or None


def suffixed(nodeid: str) -> bool:
    """Whether xdist appended the group to the node id (as LoadGroupScheduling tells, past any parameters)."""
    return nodeid.rfind("@") > nodeid.rfind("]")


class GroupScheduling(LoadGroupScheduling):
    def __init__(self, config: pytest.Config, log, folder: Path) -> None:
        super().__init__(config, log)
        self.folder = folder
        self.groups: dict[str, str] | None = None

    def _split_scope(self, nodeid: str) -> str:
        if self.groups is None:  # first called once every worker has collected (and written its file)
            self.groups = {}
            for path in sorted(self.folder.glob("*.json")):
                self.groups.update(json.loads(path.read_text(encoding="utf-8")))
        group = self.groups.get(nodeid)
        return group if group is not None else super()._split_scope(nodeid)


class XdistGroups:
    def __init__(self, config: pytest.Config) -> None:
        self.workerinput = getattr(config, "workerinput", None)  # set in a worker only
        self._folder: Path | None = None

    @property
    def folder(self) -> Path:
        """The controller's folder for the workers' files (made when the first worker is configured)."""
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="xdist-groups-"))
        return self._folder

    def pytest_configure_node(self, node) -> None:
        node.workerinput[FOLDER_KEY] = str(self.folder)

    @pytest.hookimpl(tryfirst=True)  # before xdist's own (its loadgroup scheduler, reading node ids only)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log):
        if config.getvalue("dist") == "loadgroup":
            return GroupScheduling(config, log, self.folder)
        return None

    @pytest.hookimpl(trylast=True)  # after the hooks that add groups (tests/integration/conftest.py)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        if not self.workerinput or FOLDER_KEY not in self.workerinput:
            return
        groups = {item.nodeid: group for item in items if (group := group_of(item)) and not suffixed(item.nodeid)}
        out = Path(self.workerinput[FOLDER_KEY]) / f"{self.workerinput['workerid']}.json"
        out.write_text(json.dumps(groups), encoding="utf-8")

    def pytest_unconfigure(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
