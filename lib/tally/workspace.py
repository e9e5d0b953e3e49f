"""Workspaces: one folder per corpus, holding everything tally reads and writes for it.

A workspace made by `tally init DIR` is laid out as:

    DIR/tally.toml        marks the folder as a workspace
    DIR/sources/          the articles and their manifest, sources.csv
    DIR/lexicon.toml      additions to the bundled lexicon (armed groups, outlets, ...)
    DIR/corrections.toml  corrections to the figures (when present)
    DIR/figures.csv       the figures table, with figures.csv.tally.json beside it
    DIR/claims.csv        the claims made from it
    DIR/reports/          the HTML reports, reports/index.html first
    DIR/update.log        one line per `tally update`
    DIR/.tally.lock       held while `tally update` runs

The corpus bundled with the project is the default workspace: its sources are
`data/sources/`, its tables and log under `data/processed/` (ignored by git),
its reports under `reports/`.

Commands find their workspace from `-w DIR`, else from the folder they run in
(or the nearest folder above it holding a `tally.toml`), else the bundled one.
This module imports only the standard library, so that a run with nothing to
do stays quick.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tally.files import write_atomically

MARKER = "tally.toml"
LIBRARY_DIR = Path(__file__).resolve().parent
PROJECT_DIR = LIBRARY_DIR.parents[1]
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
SIDECAR_SUFFIX = ".tally.json"  # beside every table tally writes: who wrote it, from what
ENVIRONMENT_VARIABLE = "TALLY_WORKSPACE"  # set by commands for the notebooks they run


class WorkspaceError(ValueError):
    """A path that is not a workspace, or an output that belongs to something else; the message names it."""


@dataclass(frozen=True)
class Workspace:
    """Where one corpus's files live."""

    root: Path
    sources: Path
    figures: Path
    claims: Path
    reports: Path
    log: Path
    lock: Path
    lexicon: Path
    corrections: Path
    bundled: bool = False

    @classmethod
    def at(cls, root: str | Path) -> Workspace:
        """The workspace in folder `root` (made by `tally init`)."""
        root = Path(root).resolve()
        return cls(root, root / "sources", root / "figures.csv", root / "claims.csv", root / "reports",
                   root / "update.log", root / ".tally.lock", root / "lexicon.toml", root / "corrections.toml")

    @classmethod
    def default(cls) -> Workspace:
        """The corpus bundled with the project."""
        data = PROJECT_DIR / "data"
        processed = data / "processed"
        return cls(PROJECT_DIR, data / "sources", processed / "figures.csv", processed / "claims.csv",
                   PROJECT_DIR / "reports", processed / "update.log", processed / ".tally.lock",
                   data / "lexicon.toml", data / "corrections.toml", bundled=True)

    @property
    def name(self) -> str:
        return f"the bundled corpus in {self.root}" if self.bundled else str(self.root)

    def user_lexicons(self) -> list[Path]:
        return [self.lexicon] if self.lexicon.is_file() else []

    def corrections_for(self, sources: Path) -> Path:
        """The corrections file of a sources folder: the workspace's own for its sources; else the
        `corrections.toml` kept inside that folder (`tally.corrections.default_path`)."""
        if sources.resolve() == self.sources.resolve():
            return self.corrections
        return sources / "corrections.toml"

    def claims_for(self, figures: Path) -> Path:
        """Where the claims of a figures table go: the workspace's claims table beside its own figures
        table; else named after the table (other.csv -> other.claims.csv)."""
        if figures.resolve() == self.figures.resolve():
            return self.claims
        return figures.with_name(f"{figures.stem}.claims{figures.suffix}")


def is_workspace(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def find(start: Path | None = None) -> Workspace:
    """The workspace holding `start` (the current folder by default): the nearest folder at or above
    it with a tally.toml, else the one named by TALLY_WORKSPACE, else the bundled corpus."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_workspace(folder):
            return Workspace.at(folder)
    named = os.environ.get(ENVIRONMENT_VARIABLE)
    if named and is_workspace(Path(named)):
        return Workspace.at(named)
    return Workspace.default()


def open_workspace(folder: Path | None) -> Workspace:
    """The workspace `-w folder` names (the project's folder stands for the bundled corpus), or the one
    found from the current folder; WorkspaceError when `folder` is not one."""
    if folder is None:
        return find()
    if not folder.exists():
        raise WorkspaceError(f"{folder}: no such workspace (make one with: tally init {folder})")
    if folder.resolve() == PROJECT_DIR:
        return Workspace.default()
    if not is_workspace(folder):
        raise WorkspaceError(f"{folder}: not a tally workspace, it has no {MARKER} "
                             f"(make one with: tally init {folder})")
    return Workspace.at(folder)


def workspace_of(sources: Path) -> Workspace | None:
    """The workspace whose sources folder `sources` is, if any."""
    resolved = sources.resolve()
    default = Workspace.default()
    if resolved == default.sources.resolve():
        return default
    if resolved.name == "sources" and is_workspace(resolved.parent):
        return Workspace.at(resolved.parent)
    return None


WORKSPACE_TOML = """\
# A tally workspace: one corpus, its sources, tables, reports and log.
# Commands run inside this folder (or given -w {folder}) work on it alone.
# Layout: sources/, lexicon.toml, corrections.toml, figures.csv, claims.csv, reports/, update.log
"""

LEXICON_TOML = """\
# Additions to tally's bundled lexicon for this corpus; the sections and their fields are
# those of lib/tally/lexicon/*.toml (armed groups, outlets, bodies, countries). For example:
#
# [[outlet]]
# name = "Kyiv Independent"
# aliases = ["The Kyiv Independent"]
"""


def init(folder: Path) -> tuple[Workspace, list[Path]]:
    """Make `folder` a workspace (its sources folder, marker and lexicon file), keeping whatever is
    there already; return it and the paths made."""
    if folder.exists() and not folder.is_dir():
        raise WorkspaceError(f"{folder}: exists and is not a folder")
    if folder.resolve() == PROJECT_DIR or PROJECT_DIR in folder.resolve().parents and not _outside_tracked(folder):
        raise WorkspaceError(f"{folder}: inside the project's own files; choose a folder outside it "
                             "(or under the project's ignored data/workspaces/)")
    workspace = Workspace.at(folder)
    made: list[Path] = []
    for path in (workspace.root, workspace.sources):
        if not path.is_dir():
            path.mkdir(parents=True)
            made.append(path)
    for path, text in ((workspace.root / MARKER, WORKSPACE_TOML.format(folder=folder)),
                       (workspace.lexicon, LEXICON_TOML)):
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            made.append(path)
    return workspace, made


def _outside_tracked(folder: Path) -> bool:
    """Whether a folder inside the project is one git ignores for workspaces (data/workspaces/)."""
    return (PROJECT_DIR / "data" / "workspaces") in (folder.resolve(), *folder.resolve().parents)


# ---- fingerprints: staleness by content ------------------------------------------------------

def _digest_files(digest: Any, paths: list[Path], root: Path | None = None) -> None:
    for path in sorted(paths):
        name = str(path.relative_to(root)) if root else str(path)
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")


def _source_files(sources: Path) -> list[Path]:
    """Every file of a sources folder, but hidden ones (locks, partial files), which are never sources."""
    return [p for p in sources.rglob("*") if p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(sources).parts)]


def lexicon_files() -> list[Path]:
    """The bundled lexicon and the user lexicons this process reads (TALLY_LEXICON)."""
    bundled = sorted((LIBRARY_DIR / "lexicon").glob("*.toml"))
    named = [Path(part) for part in os.environ.get("TALLY_LEXICON", "").split(os.pathsep) if part.strip()]
    return [*bundled, *(path for path in named if path.is_file())]


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("tally")
    except PackageNotFoundError:
        return "unknown"


def fingerprint(sources: Path, corrections: Path | None = None) -> dict[str, str]:
    """What a figures table is made from, each part as a digest: the sources, the lexicons, the
    corrections, tally's version and code, and the notebooks; `total` combines them."""
    parts: dict[str, str] = {}
    for name, files, root in (
            ("sources", _source_files(sources) if sources.is_dir() else [], sources),
            ("lexicons", lexicon_files(), None),
            ("corrections", [corrections] if corrections is not None and corrections.is_file() else [], None),
            ("code", [p for p in LIBRARY_DIR.rglob("*") if p.is_file() and p.suffix in (".py", ".css")],
             LIBRARY_DIR),
            ("notebooks", [p for p in NOTEBOOKS_DIR.glob("*") if p.suffix in (".ipynb", ".toml")]
             if NOTEBOOKS_DIR.is_dir() else [], NOTEBOOKS_DIR)):
        digest = hashlib.sha256()
        _digest_files(digest, files, root)
        parts[name] = digest.hexdigest()
    parts["version"] = version()
    parts["total"] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return parts


# ---- who wrote a table -----------------------------------------------------------------------

def sidecar(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict[str, Any]:
    try:
        return json.loads(sidecar(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def check_may_write(path: Path, command: str, workspace: Workspace) -> None:
    """WorkspaceError unless `path` is new or was written by `command` for `workspace`."""
    if not path.exists():
        return
    written = read_sidecar(path)
    if written.get("command") == command and written.get("workspace") == str(workspace.root):
        return
    if written:
        by = f"`tally {written.get('command')}` for workspace {written.get('workspace')}"
    else:
        by = "something other than tally"
    raise WorkspaceError(f"{path}: already exists, written by {by}; not overwritten "
                         f"(remove it, or choose another output)")


def record(path: Path, command: str, workspace: Workspace, **facts: Any) -> None:
    """Write the sidecar of `path`: which command wrote it, for which workspace, from what."""
    write_atomically(sidecar(path), json.dumps({"command": command, "workspace": str(workspace.root), **facts},
                                               indent=1, sort_keys=True) + "\n")


def is_current(path: Path, print_: dict[str, str]) -> bool:
    """Whether the table at `path` exists and was made from exactly what `print_` fingerprints."""
    return path.is_file() and read_sidecar(path).get("fingerprint", {}).get("total") == print_["total"]


# ---- paths given to notebooks --------------------------------------------------------------------

def notebook_paths(sources_dir: str = "", figures_path: str = "") -> tuple[str, str]:
    """A notebook's path parameters, resolved the same wherever the notebook runs (the project's
    folder, the notebooks folder, a workspace; papermill, JupyterLab, nbval): an empty sources_dir
    is the workspace's sources (found from the current folder, else the bundled corpus); a relative
    path is taken from the current folder when it is there, else from the workspace's folder."""
    workspace = find()

    def resolve(value: str) -> str:
        path = Path(value).expanduser()
        if path.is_absolute() or path.exists():
            return str(path.resolve())
        return str((workspace.root / path).resolve())

    sources = resolve(sources_dir) if sources_dir else str(workspace.sources)
    return sources, resolve(figures_path) if figures_path else ""
