"""The output folder: checked before any work, written all or nothing, never through a link.

``derive report -o DIR`` writes a handful of files, some in subfolders
(``figures/``).  :class:`OutputFolder` is the one place that writes them:

* :meth:`OutputFolder.check` runs before the proofs, so a folder that cannot
  be written (a regular file, ``/dev/full``, a read-only or foreign folder, a
  folder where a file should go, a symbolic link for a subfolder) is a one-line
  :class:`OutputError` at once, not after minutes of work;
* :meth:`OutputFolder.write` first writes every file to a temporary name
  beside its target and only then renames them all into place, so a failure
  while writing (a full disk, say) leaves the folder as it was;
* a subfolder of DIR that is a symbolic link is refused, never followed: every
  file is created relative to an open descriptor of its folder, with
  ``O_NOFOLLOW``, so nothing lands outside DIR.  A target *file* that is a
  link is replaced by the new file; the file it pointed to is untouched.

DIR itself is the folder the user named; if it is a link, it is followed.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     folder = OutputFolder(tmp)
...     folder.check(["figures/a.pdf", "report.tex"])
...     written = folder.write({"figures/a.pdf": b"%PDF", "report.tex": b"tex"})
...     sorted(str(p.relative_to(tmp)) for p in written)
['figures/a.pdf', 'report.tex']
"""
from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path, PurePosixPath


class OutputError(ValueError):
    """The output folder cannot take the report; the message says why, in one line."""


def _split(name: str) -> tuple[tuple[str, ...], str]:
    """(subfolders, file name) of a relative name, which may not climb out of the folder."""
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or any(p in ("..", ".") for p in parts):
        raise ValueError(f"not a plain relative name: {name!r}")
    return parts[:-1], parts[-1]


def _probe(folder: Path) -> None:
    """Create and remove a file in ``folder``, or raise OutputError saying why that fails.

    A real attempt, not ``os.access``: it also catches a read-only file system,
    ``/proc`` and the like, whoever the user is.
    """
    name = folder / f".derive-probe-{secrets.token_hex(6)}"
    try:
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
        os.unlink(name)
    except OSError as exc:
        raise OutputError(f"cannot write in the output folder {folder}: {exc.strerror or exc}") from None


class OutputFolder:
    """The folder ``directory`` as the destination of one report's files.

    >>> OutputFolder("/dev/null").check(["a.tex"])
    Traceback (most recent call last):
    ...
    derive.render.output.OutputError: output folder /dev/null is not a folder
    """

    def __init__(self, directory):
        self.path = Path(directory)

    # -- before the work ---------------------------------------------------------------

    def check(self, names) -> None:
        """Make the folder if need be; raise :class:`OutputError` unless every file in ``names`` can go there."""
        if os.path.lexists(self.path) and not self.path.is_dir():
            raise OutputError(f"output folder {self.path} is not a folder")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot make the output folder {self.path}: {exc.strerror or exc}") from None
        _probe(self.path)
        probed = {self.path}
        for name in names:
            folders, file_name = _split(name)
            here = self.path
            for folder in folders:
                here = here / folder
                if os.path.islink(here):
                    raise self._link_error(here)
                if not os.path.lexists(here):
                    break
                if not here.is_dir():
                    raise OutputError(f"{here} is in the way: it should be a folder")
                if here not in probed:
                    _probe(here)
                    probed.add(here)
            else:
                target = here / file_name
                if target.is_dir() and not target.is_symlink():
                    raise OutputError(f"{target} is a folder; the report writes a file there")

    def _link_error(self, where) -> OutputError:
        return OutputError(f"{where} is a symbolic link; derive writes only inside {self.path} and does not "
                           "follow it: remove the link or choose another output folder")

    # -- the writing -------------------------------------------------------------------

    def _open_folder(self, parent_fd, where: Path, created):
        """A descriptor of the subfolder ``where``, made if missing; a link there is refused."""
        name = where.name
        try:
            os.mkdir(name, 0o777, dir_fd=parent_fd)
            created.append((parent_fd, name))
        except FileExistsError:
            pass
        try:
            return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent_fd)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR) and os.path.islink(where):
                raise self._link_error(where) from None
            if exc.errno == errno.ENOTDIR:
                raise OutputError(f"{where} is in the way: it should be a folder") from None
            raise

    def write(self, files: dict) -> list[Path]:
        """Write ``files`` (relative name → bytes) all or nothing; return the paths written, in order.

        Every file goes first to a temporary name in its folder; only when all
        are written are they renamed into place.  On any failure the temporary
        files (and folders this call made) are removed and the old files stay.
        """
        made_root = not self.path.exists()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot make the output folder {self.path}: {exc.strerror or exc}") from None
        root = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
        folders, created, staged = {(): root}, [], []
        try:
            try:
                for name, data in files.items():
                    parts, file_name = _split(name)
                    for depth in range(1, len(parts) + 1):
                        if parts[:depth] not in folders:
                            folders[parts[:depth]] = self._open_folder(
                                folders[parts[:depth - 1]], self.path.joinpath(*parts[:depth]), created)
                    fd = folders[parts]
                    try:
                        if stat.S_ISDIR(os.stat(file_name, dir_fd=fd, follow_symlinks=False).st_mode):
                            raise OutputError(f"{self.path / name} is a folder; the report writes a file there")
                    except FileNotFoundError:
                        pass
                    temp = f".{file_name}.{secrets.token_hex(6)}.tmp"
                    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666,
                                     dir_fd=fd)  # 0o666 less the umask, as the user expects
                    staged.append((fd, temp, file_name, name))
                    with os.fdopen(handle, "wb") as out:
                        out.write(data)
            except OSError as exc:
                raise OutputError(f"cannot write the report in {self.path}: {exc.strerror or exc}") from None
            written = []
            for fd, temp, file_name, name in staged:
                os.replace(temp, file_name, src_dir_fd=fd, dst_dir_fd=fd)
                written.append(self.path / name)
            staged.clear()
            created.clear()
            made_root = False
            return written
        finally:
            for fd, temp, _, _ in staged:
                try:
                    os.unlink(temp, dir_fd=fd)
                except OSError:
                    pass
            for parent_fd, name in reversed(created):
                try:
                    os.rmdir(name, dir_fd=parent_fd)
                except OSError:
                    pass
            for fd in folders.values():
                os.close(fd)
            if made_root:
                try:
                    self.path.rmdir()
                except OSError:
                    pass
