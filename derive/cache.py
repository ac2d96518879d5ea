"""The result cache of ``derive check`` and ``derive report``: a folder the user can delete.

Main statements
  :func:`open_cache` opens the cache folder and never raises: a folder that
  cannot be created, written or trusted gives a cache that is off, with the
  reason.  :func:`run_proofs` runs proofs like
  :func:`derive.catalogue.run_many`, takes each verdict it can from the
  cache, stores each new one, and says which verdicts came from the cache.

Where
  ``$DERIVE_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/derive``, else
  ``~/.cache/derive`` (:func:`default_folder`).  One file per proof,
  ``ID.pickle``, written as a temporary file in the folder and renamed over
  the old one (``os.replace``), so a concurrent run reads the old entry or
  the new one, never half of one.  Nothing is written anywhere else.

The key
  A SHA-256 (:meth:`ResultCache.key`) of: every file of the ``derive``
  package (its version string would not do in a development checkout); the
  catalogue's ``__init__.py`` and data files (``proofs/seed.md``); the
  proof's own module and the catalogue modules it imports, transitively; the
  versions of Python, SymPy, NumPy, mpmath, python-flint, matplotlib and
  derive's other dependencies, SymPy's ground types, the machine's
  architecture, ``PYTHONHASHSEED`` and the ``SYMPY_*`` and ``MPMATH_*``
  settings; the proof time limit; the format of an entry.  An entry holds
  its key, and is used only when that key is the one asked for: anything
  else (another key, a corrupt or unreadable file) is a miss, overwritten by
  the fresh result.

What is cached
  ``proved``, ``refuted``, ``supported`` and ``demonstrated``, never
  ``unknown``: a limit that ran out (time, memory, CPU) gives ``unknown``,
  and so can a soft time limit inside one step of a derivation, which the
  result cannot tell from a logical failure.  Proofs defined outside the
  catalogue (a test's, a user's) are never cached.

Implementation notes
  The sources are read and hashed once per process, when the cache opens.
  A source changed after this process started (its ctime says so) turns
  the cache off for the run; one changed during the run stops the writes.
  So the verdict stored under a key always comes from the code that key
  names.  Entries are pickles (a :class:`~derive.catalogue.Result` holds
  SymPy expressions, which ``as_dict`` flattens to text), read only from a
  folder that belongs to the user and that nobody else can write, and only
  from files that belong to the user.

>>> import tempfile
>>> cache = open_cache(folder=tempfile.mkdtemp())
>>> cache.on or cache.reason == "derive's sources changed as this run started"
True
>>> open_cache(enabled=False).reason
'--no-cache'
"""
from __future__ import annotations

import hashlib
import os
import pickle
import platform
import re
import stat
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .catalogue import CATALOGUE_DIR, JOBS, PROOF_SECONDS, Result, get, run_many
from .pickles import dumps

__all__ = ["CACHE_ENV", "CACHEABLE", "ResultCache", "default_folder", "open_cache", "run_proofs"]

CACHE_ENV = "DERIVE_CACHE_DIR"
FORMAT = 2  # of an entry: raise it when an entry's layout changes (2: expressions pickled as built)
CACHEABLE = ("proved", "refuted", "supported", "demonstrated")
DEPENDENCIES = ("sympy", "numpy", "mpmath", "python-flint", "matplotlib", "gmpy2", "z3-solver",
                "pylatexenc", "markdown-it-py", "mdit-py-plugins")
ROOTS = {"derive": Path(__file__).resolve().parent, "proofs": CATALOGUE_DIR}  # the folders hashed
MAX_ENTRY_BYTES = 64 * 2**20
CHANGE_MARGIN_NS = 10**9  # a source changed less than 1 s before the process started counts as changed after
TAG = b"Signature: 8a477f597d28d172789f06886806bc55\n# derive's result cache: delete it at any time.\n"
_MAGIC = "derive result cache"
_IMPORTED_NS = time.time_ns()
# imports of another catalogue module: proofs.NAME, from proofs import A, B; from .NAME import ...
_IMPORTS = re.compile(rb"\bproofs\.(\w+)|\bfrom\s+proofs\s+import\s+\(?([\w\s,]+)|\bfrom\s+\.+(\w*)\s+import\s+\(?([\w\s,]+)")
_DYNAMIC = re.compile(rb"import_module|__import__|importlib|spec_from|sys\.modules|\bexec\(")


def default_folder(environ=None) -> Path:
    """The cache folder: ``$DERIVE_CACHE_DIR``, else ``$XDG_CACHE_HOME/derive``, else ``~/.cache/derive``.

    >>> default_folder({"DERIVE_CACHE_DIR": "/tmp/c", "XDG_CACHE_HOME": "/x"}).as_posix()
    '/tmp/c'
    >>> default_folder({"XDG_CACHE_HOME": "/x"}).as_posix()
    '/x/derive'
    """
    environ = os.environ if environ is None else environ
    if environ.get(CACHE_ENV):
        return Path(environ[CACHE_ENV])
    xdg = environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # the XDG rule: a relative value is ignored
        return Path(xdg) / "derive"
    return Path.home() / ".cache" / "derive"


# -- the sources a verdict depends on ----------------------------------------------------------

def _source_files():
    """(package, path, relative path) of every file of derive and of the catalogue, ``__pycache__`` left out.

    A ``.pyc`` beside the sources counts: Python imports one that has no ``.py``.
    """
    for package, root in ROOTS.items():
        found = []
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
            found += [os.path.relpath(os.path.join(folder, f), root) for f in files]
        for rel in sorted(found):
            yield package, os.path.join(root, rel), rel


def _stat_of(st) -> tuple:
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _module_name(rel: str) -> str | None:
    """``proofs.NAME`` of a catalogue file, or None for ``__init__.py`` and data files."""
    parts = Path(rel).with_suffix("").parts
    if not rel.endswith(".py") or parts == ("__init__",):
        return None
    return ".".join(("proofs", *(parts[:-1] if parts[-1] == "__init__" else parts)))


def _imported(source: bytes, package: str) -> set:
    """The catalogue modules ``source`` may import (more, never fewer); ``{"*"}`` for a dynamic import."""
    if _DYNAMIC.search(source):
        return {"*"}
    found = set()
    for module, names, relative, relative_names in _IMPORTS.findall(source):
        if module:
            found.add(module)
        for listed in (names, relative_names if not relative else b""):
            found.update(n for n in re.split(rb"[\s,()]+", listed) if n)
        if relative:
            found.add(relative)
    return {f"{package}.{n.decode()}" for n in found if n != b"*"}


@dataclass
class Sources:
    """What the sources were when read: a digest shared by every proof, one per catalogue module."""

    shared: str
    modules: dict  # catalogue module name -> (digest, the catalogue modules it imports)
    stats: dict  # path -> (inode, size, mtime, ctime) when read
    newest: int  # the latest ctime, in ns since the epoch

    @classmethod
    def read(cls) -> Sources:
        shared, modules, stats = hashlib.sha256(_environment().encode()), {}, {}
        for package, path, rel in _source_files():
            with open(path, "rb") as f:
                data = f.read()
                stats[path] = _stat_of(os.fstat(f.fileno()))
            name = _module_name(rel) if package == "proofs" else None
            if name is None:
                shared.update(b"%s/%s\0%d\0" % (package.encode(), rel.encode(), len(data)))
                shared.update(data)
            else:
                modules[name] = (hashlib.sha256(data).hexdigest(), _imported(data, "proofs"))
        newest = max((s[3] for s in stats.values()), default=0)
        return cls(shared.hexdigest(), modules, stats, newest)

    def changed(self) -> bool:
        """True if a file was added, removed or changed since it was read."""
        try:
            now = {path: _stat_of(os.stat(path)) for _, path, _ in _source_files()}
        except OSError:
            return True
        return now != self.stats

    def closure(self, module: str) -> list:
        """``module`` and the catalogue modules it imports, transitively, sorted."""
        seen, todo = set(), [module]
        while todo:
            name = todo.pop()
            if name == "*":
                todo += self.modules
            elif name in self.modules and name not in seen:
                seen.add(name)
                todo += self.modules[name][1]
        return sorted(seen)


def _environment() -> str:
    """Python, the dependencies' versions and the settings that can change a verdict, one line each."""
    from sympy.external.gmpy import GROUND_TYPES
    lines = [f"format {FORMAT}", f"python {sys.version}", f"implementation {sys.implementation.cache_tag}",
             f"machine {platform.machine()}", f"ground types {GROUND_TYPES}"]
    for dist in DEPENDENCIES:
        try:
            lines.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{dist} absent")
    lines += sorted(f"env {k}={v}" for k, v in os.environ.items()
                    if k == "PYTHONHASHSEED" or k.startswith(("SYMPY_", "MPMATH_")))
    return "\n".join(lines)


def _process_started_ns() -> int:
    """When this process started, in ns since the epoch (Linux: /proc; elsewhere: when this module loaded)."""
    try:
        with open("/proc/self/stat", "rb") as f:
            ticks = int(f.read().rsplit(b")", 1)[1].split()[19])  # field 22, starttime, in ticks since boot
        running = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
        return min(time.time_ns() - int(running * 1e9), _IMPORTED_NS)
    except (OSError, ValueError, IndexError, AttributeError):
        return _IMPORTED_NS


# -- the folder ---------------------------------------------------------------------------------

def _write_atomic(folder: Path, name: str, data: bytes) -> None:
    """Write ``folder/name`` as a temporary file in ``folder`` renamed over it; no temporary file is left."""
    fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(temp, folder / name)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def _trusted(st) -> bool:
    """Owned by this user and writable by nobody else."""
    return st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _prepare(folder: Path) -> None:
    """Create ``folder`` (mode 0700) and check that it can be trusted and written; OSError if not."""
    os.makedirs(folder, mode=0o700, exist_ok=True)
    st = os.stat(folder)
    if not stat.S_ISDIR(st.st_mode):
        raise NotADirectoryError(f"{folder} is not a folder")
    if not _trusted(st):
        raise PermissionError(f"{folder} belongs to another user or others can write it")
    if not os.path.exists(folder / "CACHEDIR.TAG"):  # tells backup tools to skip it; proves the folder writable
        _write_atomic(folder, "CACHEDIR.TAG", TAG)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"{folder} is not writable")


def _read_entry(path: Path) -> bytes | None:
    """The bytes of a cache entry that this user wrote, or None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _trusted(st) or st.st_size > MAX_ENTRY_BYTES:
            return None
        chunks, size = [], 0
        while size <= st.st_size:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        return None  # it grew while being read: not ours to trust
    except OSError:
        return None
    finally:
        os.close(fd)


class ResultCache:
    """The cache folder, or a cache that is off (``folder`` None, ``reason`` saying why).

    >>> ResultCache(None, "--no-cache").load("any", "key") is None
    True
    """

    def __init__(self, folder=None, reason="", sources=None):
        self.folder, self.reason, self.sources = folder, reason, sources

    @property
    def on(self) -> bool:
        return self.folder is not None

    def _off(self, reason: str) -> None:
        self.folder, self.reason = None, reason

    def key(self, cls, timeout: float) -> str | None:
        """The key of proof class ``cls`` run with ``timeout``; None if it is not to be cached."""
        if not self.on:
            return None
        name = cls.__module__
        module = sys.modules.get(name)
        if name not in self.sources.modules or getattr(module, cls.__qualname__, None) is not cls:
            return None  # not a catalogue proof, or not the class its module defines
        where = getattr(module, "__file__", None)
        if where is None or CATALOGUE_DIR not in Path(where).resolve().parents:
            return None
        parts = [self.sources.shared, f"timeout {float(timeout)!r}", f"proof {cls.id}", f"class {name}.{cls.__qualname__}"]
        parts += [f"module {m} {self.sources.modules[m][0]}" for m in self.sources.closure(name)]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def _entry(self, proof_id: str) -> str:
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,100}", proof_id):
            return f"{proof_id}.pickle"
        return f"{hashlib.sha256(proof_id.encode()).hexdigest()}.pickle"

    def load(self, proof_id: str, key: str | None) -> Result | None:
        """The cached result of ``proof_id`` under ``key``, or None (a miss)."""
        if not self.on or key is None:
            return None
        data = _read_entry(self.folder / self._entry(proof_id))
        if data is None:
            return None
        try:
            entry = pickle.loads(data)
        except Exception:  # a corrupt entry is a miss
            return None
        ok = (isinstance(entry, tuple) and len(entry) == 4 and entry[:3] == (_MAGIC, key, proof_id)
              and isinstance(entry[3], Result) and entry[3].id == proof_id and entry[3].status in CACHEABLE)
        return entry[3] if ok else None

    def store(self, proof_id: str, key: str | None, result: Result) -> bool:
        """Store ``result`` under ``key`` if it is cacheable; True if written.  Never raises for the folder."""
        if not self.on or key is None or result.status not in CACHEABLE or result.id != proof_id:
            return False
        if self.sources.changed():
            self._off("derive's sources changed during the run")
            return False
        try:
            data = dumps((_MAGIC, key, proof_id, result))  # expressions kept as built (derive.pickles)
            _write_atomic(self.folder, self._entry(proof_id), data)
        except Exception as exc:
            self._off(f"could not write {self.folder}: {exc}")
            return False
        return True


def open_cache(enabled: bool = True, folder=None) -> ResultCache:
    """The result cache in ``folder`` (default :func:`default_folder`), or one that is off, with the reason.

    >>> import tempfile, pathlib
    >>> blocked = pathlib.Path(tempfile.mkdtemp()) / "a-file"
    >>> _ = blocked.write_text("")
    >>> cache = open_cache(folder=blocked / "cache")
    >>> cache.on, cache.reason.startswith("cannot use")
    (False, True)
    """
    if not enabled:
        return ResultCache(None, "--no-cache")
    try:
        folder = Path(os.path.abspath(default_folder() if folder is None else folder))
        _prepare(folder)
        sources = Sources.read()
    except Exception as exc:  # never fail because of the cache
        return ResultCache(None, f"cannot use {folder}: {exc}")
    if sources.newest >= _process_started_ns() - CHANGE_MARGIN_NS:
        return ResultCache(None, "derive's sources changed as this run started")
    return ResultCache(folder, "", sources)


def run_proofs(proof_ids, cache=None, timeout=PROOF_SECONDS, on_result=None, jobs=JOBS):
    """Run proofs like :func:`~derive.catalogue.run_many`, each verdict from ``cache`` when it holds it.

    Returns ``(results, cached)``, in the order of ``proof_ids``, ``cached[i]``
    True when ``results[i]`` came from the cache.  ``on_result(index, result,
    cached)`` is called for each: the cached ones first, the rest as they finish.
    Each new result that can be cached is stored as it arrives.

    >>> results, cached = run_proofs(["sigmoid-derivative"], ResultCache(None, "off"))
    >>> results[0].status, cached
    ('proved', [False])
    """
    ids = list(proof_ids)
    cache = cache if cache is not None else ResultCache(None, "no cache")
    keys = [cache.key(get(pid), timeout) for pid in ids]
    results = [cache.load(pid, key) for pid, key in zip(ids, keys)]
    cached = [r is not None for r in results]
    for index, result in enumerate(results):
        if result is not None and on_result is not None:
            on_result(index, result, True)
    missing = [i for i, r in enumerate(results) if r is None]

    def done(j, result):
        cache.store(ids[missing[j]], keys[missing[j]], result)
        if on_result is not None:
            on_result(missing[j], result, False)

    fresh = run_many([ids[i] for i in missing], jobs=jobs, timeout=timeout, on_result=done) if missing else []
    for index, result in zip(missing, fresh):
        results[index] = result
    return results, cached
