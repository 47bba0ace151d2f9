"""A local folder as a store: the default, embedded, nothing to start.

Files are written to a temporary name beside the target and renamed into
place, so a crash never leaves half a file under a real name; the copy is
checked against the source's MD5 before the rename.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from panoptic.families.cloud.errors import AccessDenied, BucketNotFound, TransferFailed
from panoptic.families.cloud.storage.base import LocalFile, RemoteObject, Store
from panoptic.families.cloud.urls import StorageURL


def _md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class LocalStore(Store):
    """A folder on this machine (or a mounted share)."""

    def __init__(self, url: StorageURL) -> None:
        self.url = url
        self.root = Path(url.path)

    def probe(self, *, create: bool = False) -> None:
        if self.root.is_dir():
            if create and not os.access(self.root, os.W_OK):
                raise AccessDenied(f"the folder {self.root} cannot be written", help="choose a folder you can write")
            return
        if self.root.exists():
            raise BucketNotFound(f"{self.root} is a file, not a folder", help="give a folder")
        if not create:
            raise BucketNotFound(f"the folder {self.root} does not exist", help="check the path")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AccessDenied(f"cannot create the folder {self.root}: {exc.strerror or exc}") from None

    def objects(self, under: str = "") -> Iterator[RemoteObject]:
        base = self.root / under if under else self.root
        if not base.is_dir():
            return
        for dirpath, _dirnames, filenames in os.walk(base):
            for name in filenames:
                if name.startswith(".panoptic-tmp-"):
                    continue
                path = Path(dirpath) / name
                try:
                    st = path.stat()
                except OSError:
                    continue
                yield RemoteObject(path.relative_to(self.root).as_posix(), st.st_size, st.st_mtime, None)

    def unchanged(self, remote: RemoteObject, local: LocalFile) -> bool:
        if remote.size != local.size:
            return False
        return _md5_of(self.root / remote.key) == local.md5_hex

    def upload(self, local: LocalFile, key: str, content_type: str | None = None) -> None:
        target = self.root / key
        tmp = target.with_name(f".panoptic-tmp-{os.getpid()}-{target.name}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if local.small:
                tmp.write_bytes(local.data())
            else:
                shutil.copyfile(local.path, tmp)
            if _md5_of(tmp) != local.md5_hex:
                raise TransferFailed(
                    f"the copy of {local.path.name} at {target} does not match the original (checksum)",
                    help="the source changed while it was copied, or the disk is failing; sync again",
                )
            os.replace(tmp, target)
        except OSError as exc:
            raise TransferFailed(f"cannot write {target}: {exc.strerror or exc}") from None
        finally:
            if tmp.exists():
                tmp.unlink(missing_ok=True)

    def read(self, key: str) -> bytes:
        try:
            return (self.root / key).read_bytes()
        except OSError as exc:
            raise TransferFailed(f"cannot read {self.root / key}: {exc.strerror or exc}") from None

    def delete(self, keys: list[str]) -> None:
        parents: set[Path] = set()
        for key in keys:
            path = self.root / key
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                raise TransferFailed(f"cannot delete {path}: {exc.strerror or exc}") from None
            parents.add(path.parent)
        # remove folders left empty, deepest first, never the root itself
        for folder in sorted(parents, key=lambda p: len(p.parts), reverse=True):
            while folder != self.root and self.root in folder.parents:
                try:
                    folder.rmdir()
                except OSError:
                    break
                folder = folder.parent
