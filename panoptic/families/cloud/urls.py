"""Storage URLs: which store a URL names, parsed the same way at check time and at run time.

Forms:

    ./folder, /abs/folder, file:///abs/folder     a local folder (the default store)
    s3://bucket[/prefix][?endpoint=…&region=…&sse=AES256|aws:kms&kms_key=…&profile=…]
    gs://bucket[/prefix][?endpoint=…&project=…]
    az://container[/prefix][?account=…&endpoint=…]
    https://ACCOUNT.blob.core.windows.net/container[/prefix]

`parse_url` returns the URL and a list of problems; each problem carries the
check-time code (PAN42x) that `panoptic check` reports for a literal URL. This
module imports nothing but the standard library: the check hook uses it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

SCHEMES = ("s3", "gs", "az", "file")
OPTIONS: dict[str, tuple[str, ...]] = {
    "s3": ("endpoint", "region", "sse", "kms_key", "profile"),
    "gs": ("endpoint", "project"),
    "az": ("account", "endpoint"),
    "file": (),
}
SSE_VALUES = ("AES256", "aws:kms")
_AZURE_HOST = re.compile(r"^([a-z0-9]{3,24})\.blob\.core\.windows\.net$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")
_REGION = re.compile(r"^[a-z]{2}(-[a-z0-9]+)+-\d+$|^auto$")


@dataclass(frozen=True)
class Problem:
    """Why a URL is not valid: a check code (PAN42x), a message and a help line."""

    code: str
    message: str
    help: str


@dataclass(frozen=True)
class StorageURL:
    """A parsed storage URL. `prefix` has no leading or trailing slash; `path` is set for local folders."""

    scheme: str  # s3, gs, az, file
    bucket: str = ""  # bucket or container; empty for a local folder
    prefix: str = ""
    path: str = ""  # the local folder, for `file`
    options: tuple[tuple[str, str], ...] = field(default=())

    def option(self, name: str, default: str | None = None) -> str | None:
        """The value of a `?name=value` option, else `default`."""
        for key, value in self.options:
            if key == name:
                return value
        return default

    @property
    def display(self) -> str:
        """The URL without its options (for messages)."""
        if self.scheme == "file":
            return self.path
        account = self.option("account")
        if self.scheme == "az" and account and self.option("endpoint") is None and "." not in account:
            return f"https://{account}.blob.core.windows.net/{self.bucket}" + (f"/{self.prefix}" if self.prefix else "")
        return f"{self.scheme}://{self.bucket}" + (f"/{self.prefix}" if self.prefix else "")

    def child(self, *parts: str) -> StorageURL:
        """This URL with path parts added to its prefix (or folder)."""
        extra = "/".join(p.strip("/") for p in parts if p.strip("/"))
        if not extra:
            return self
        if self.scheme == "file":
            return StorageURL("file", path=str(Path(self.path) / extra), options=self.options)
        prefix = f"{self.prefix}/{extra}" if self.prefix else extra
        return StorageURL(self.scheme, self.bucket, prefix, options=self.options)


def parse_url(text: str, base_dir: Path | None = None) -> tuple[StorageURL | None, list[Problem]]:
    """Parse a storage URL; a relative folder is taken from `base_dir` (else the current folder)."""
    text = text.strip()
    if not text:
        return None, [
            Problem("PAN425", "the storage URL is empty", 'give a folder or a bucket URL, e.g. "s3://bucket/runs"')
        ]
    m = _SCHEME.match(text)
    if m is None or (len(m.group(1)) == 1):  # a path (`C:` drive letters are paths too)
        return _local(text, base_dir)
    scheme = m.group(1).lower()
    if scheme in ("http", "https"):
        return _azure_account_url(text)
    if scheme not in SCHEMES:
        close = [
            s for s in SCHEMES if len(s) == len(scheme) and sum(a != b for a, b in zip(s, scheme, strict=True)) == 1
        ]
        close = close or difflib.get_close_matches(scheme, SCHEMES, n=1)
        hint = f"did you mean `{close[0]}://`? " if close else ""
        return None, [
            Problem(
                "PAN420",
                f"unknown storage scheme `{scheme}://`",
                hint + "use a folder, s3://bucket, gs://bucket or az://container",
            )
        ]
    if scheme == "file":
        parts = urlsplit(text)
        if parts.netloc not in ("", "localhost"):
            return None, [
                Problem("PAN425", "a file:// URL names a host", "write file:///absolute/folder or a plain path")
            ]
        return _local(unquote(parts.path), base_dir)
    if not text.lower().startswith(f"{scheme}://"):
        return None, [
            Problem("PAN425", f"`{text}` is missing the `//` after `{scheme}:`", f"write {scheme}://bucket/prefix")
        ]
    parts = urlsplit(text)
    problems: list[Problem] = []
    if "@" in parts.netloc or parts.password is not None:
        return None, [
            Problem(
                "PAN423",
                "the storage URL holds credentials",
                "remove them from the URL; give keys through the provider's usual chain "
                "(environment variables, a profile, a role) or a `secret`",
            )
        ]
    bucket = parts.netloc
    prefix, prefix_problem = _prefix(unquote(parts.path))
    if prefix_problem:
        problems.append(prefix_problem)
    problems.extend(_bucket_problems(scheme, bucket))
    options, option_problems = _options(scheme, parts.query)
    problems.extend(option_problems)
    url = StorageURL(scheme, bucket, prefix, options=options)
    return (None if problems else url), problems


def _local(text: str, base_dir: Path | None) -> tuple[StorageURL | None, list[Problem]]:
    if "\x00" in text:
        return None, [Problem("PAN425", "the folder name holds a NUL byte", "remove it")]
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    return StorageURL("file", path=str(path)), []


def _azure_account_url(text: str) -> tuple[StorageURL | None, list[Problem]]:
    parts = urlsplit(text)
    if parts.username or parts.password:
        return None, [
            Problem(
                "PAN423",
                "the storage URL holds credentials",
                "remove them; give the account key or SAS token through AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN",
            )
        ]
    if parts.query and re.search(r"(^|&)sig=", parts.query):
        return None, [
            Problem(
                "PAN423",
                "the storage URL holds a SAS token",
                "remove the query; give the token through AZURE_STORAGE_SAS_TOKEN or a `secret`",
            )
        ]
    host = (parts.hostname or "").lower()
    m = _AZURE_HOST.match(host)
    if m is None:
        return None, [
            Problem(
                "PAN420",
                f"`{parts.scheme}://{host}` is not a storage URL",
                "web URLs name Azure storage accounts only (https://ACCOUNT.blob.core.windows.net/container); "
                "for other stores use s3://, gs:// or az://",
            )
        ]
    path = unquote(parts.path).strip("/")
    container, _, rest = path.partition("/")
    problems = list(_bucket_problems("az", container))
    prefix, prefix_problem = _prefix(rest)
    if prefix_problem:
        problems.append(prefix_problem)
    url = StorageURL("az", container, prefix, options=(("account", m.group(1)),))
    return (None if problems else url), problems


def _prefix(path: str) -> tuple[str, Problem | None]:
    prefix = path.strip("/")
    segments = [s for s in prefix.split("/") if s]
    if any(s in (".", "..") for s in segments):
        return "", Problem("PAN425", "the storage path holds `.` or `..`", "write the prefix without relative parts")
    return "/".join(segments), None


def _bucket_problems(scheme: str, bucket: str) -> list[Problem]:
    kind = "container" if scheme == "az" else "bucket"
    if not bucket:
        return [Problem("PAN421", f"the URL names no {kind}", f"write {scheme}://{kind}-name/prefix")]
    if scheme == "s3":
        ok = (
            3 <= len(bucket) <= 63
            and re.fullmatch(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", bucket) is not None
            and ".." not in bucket
            and re.fullmatch(r"\d+\.\d+\.\d+\.\d+", bucket) is None
        )
        rule = "3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit"
    elif scheme == "gs":
        ok = (
            3 <= len(bucket) <= (222 if "." in bucket else 63)
            and re.fullmatch(r"[a-z0-9][a-z0-9._-]*[a-z0-9]", bucket) is not None
            and not bucket.startswith("goog")
        )
        rule = "3 to 63 lower-case letters, digits, dots, hyphens and underscores, not starting with `goog`"
    else:
        ok = 3 <= len(bucket) <= 63 and re.fullmatch(r"[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]", bucket) is not None
        rule = "3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit"
    if ok:
        return []
    return [Problem("PAN421", f"`{bucket}` is not a valid {kind} name", f"a {kind} name has {rule}")]


def _options(scheme: str, query: str) -> tuple[tuple[tuple[str, str], ...], list[Problem]]:
    problems: list[Problem] = []
    out: list[tuple[str, str]] = []
    known = OPTIONS[scheme]
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        return (), [Problem("PAN422", f"the URL options `?{query}` cannot be read", "write ?name=value&name=value")]
    for key, value in pairs:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            valid = ", ".join(known) or "none"
            problems.append(
                Problem(
                    "PAN422", f"unknown option `{key}` for {scheme}:// URLs", f"{hint}options of {scheme}://: {valid}"
                )
            )
            continue
        problem = _option_problem(key, value)
        if problem:
            problems.append(problem)
        out.append((key, value))
    if scheme == "s3" and dict(out).get("kms_key") and dict(out).get("sse") != "aws:kms":
        problems.append(Problem("PAN424", "`kms_key` needs `sse=aws:kms`", "add &sse=aws:kms to the URL"))
    return tuple(out), problems


def _option_problem(key: str, value: str) -> Problem | None:
    if not value:
        return Problem("PAN424", f"the option `{key}` has no value", f"write {key}=VALUE or leave it out")
    if key == "endpoint":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return Problem("PAN424", f"the endpoint `{value}` is not an http(s) URL", "write endpoint=http://host:port")
        if parts.username or parts.password:
            return Problem("PAN423", "the endpoint URL holds credentials", "remove them from the URL")
    if key == "sse" and value not in SSE_VALUES:
        return Problem("PAN424", f"unknown server-side encryption `{value}`", "use sse=AES256 or sse=aws:kms")
    if key == "region" and not _REGION.match(value):
        return Problem("PAN424", f"`{value}` is not a region name", "write a region like us-east-1 or eu-west-3")
    return None
