"""Check time: storage URLs parsed, retention durations typed and in range, each problem with a code and help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from panoptic.compiler import compile_text
from panoptic.families.cloud.urls import parse_url

APP = 'app shop: web {\n    url: "http://127.0.0.1:9"\n}\n'


def diagnostics(*lines: str):
    body = "".join(f"    {line}\n" for line in lines)
    result = compile_text(APP + f'scenario "s" on shop {{\n{body}}}\n')
    return result, [(d.code, d.message, d.help, d.span.line if d.span else None) for d in result.diagnostics]


@pytest.mark.parametrize(
    ("url", "code", "words"),
    [
        ("ftp://host/x", "PAN420", "s3://bucket"),
        ("s4://bucket/x", "PAN420", "`s3://`"),
        ("https://example.com/x", "PAN420", "Azure"),
        ("s3://Bad_Bucket/x", "PAN421", "lower-case"),
        ("s3://ab/x", "PAN421", "3 to 63"),
        ("gs://google-owned/x", "PAN421", "goog"),
        ("gs://goog-bucket/x", "PAN421", "goog"),
        ("az://Container/x", "PAN421", "container"),
        ("az://a--b/x", "PAN421", "single hyphens"),
        ("s3:///runs", "PAN421", "names no bucket"),
        ("s3://bucket/runs?regoin=eu-west-3", "PAN422", "did you mean `region`"),
        ("gs://bucket/runs?sse=AES256", "PAN422", "options of gs://"),
        ("s3://AKIA123:secret@bucket/runs", "PAN423", "usual chain"),
        ("https://acct.blob.core.windows.net/c1/x?sv=1&sig=abc", "PAN423", "SAS"),
        ("s3://bucket/x?sse=AES128", "PAN424", "AES256"),
        ("s3://bucket/x?kms_key=k", "PAN424", "aws:kms"),
        ("s3://bucket/x?endpoint=localhost:9000", "PAN424", "http"),
        ("s3://bucket/x?region=Europe", "PAN424", "us-east-1"),
        ("s3://bucket/a/../b", "PAN425", "`..`"),
        ("s3:bucket/x", "PAN425", "`//`"),
    ],
)
def test_bad_urls_get_a_code_and_help(url: str, code: str, words: str) -> None:
    parsed, problems = parse_url(url)
    assert parsed is None
    assert problems[0].code == code, problems
    assert words in problems[0].message + " " + problems[0].help


def test_good_urls_parse_into_their_parts(tmp_path: Path) -> None:
    url, problems = parse_url(
        "s3://qa-results/shop/nightly/?endpoint=http://127.0.0.1:9000&region=eu-west-3&sse=aws:kms&kms_key=alias/x"
    )
    assert not problems and url is not None
    assert (url.scheme, url.bucket, url.prefix) == ("s3", "qa-results", "shop/nightly")
    assert url.option("endpoint") == "http://127.0.0.1:9000" and url.option("kms_key") == "alias/x"
    assert url.display == "s3://qa-results/shop/nightly"
    account, _ = parse_url("https://myaccount.blob.core.windows.net/runs/shop")
    assert account is not None and (account.scheme, account.bucket, account.prefix) == ("az", "runs", "shop")
    assert account.option("account") == "myaccount"
    assert account.display == "https://myaccount.blob.core.windows.net/runs/shop"
    local, _ = parse_url("results/store", tmp_path)
    assert local is not None and local.scheme == "file" and Path(local.path) == tmp_path / "results" / "store"
    file_url, _ = parse_url(f"file://{tmp_path}/x")
    assert file_url is not None and Path(file_url.path) == tmp_path / "x"
    windows_like, _ = parse_url("C:/runs")  # a drive letter is a path, not a scheme
    assert windows_like is not None and windows_like.scheme == "file"


def test_literal_urls_in_statements_are_checked_where_they_are_written() -> None:
    result, found = diagnostics(
        'cloud sync to "s3://Bad_Bucket/runs"',
        'cloud cleanup "ftp://x/y" older than 30d',
        'cloud analytics from "gs://bucket/runs?sse=AES256"',
        'cloud sync to "s3://good-bucket/runs?region=eu-west-3"',
    )
    assert [(code, line) for code, _m, _h, line in found] == [("PAN421", 5), ("PAN420", 6), ("PAN422", 7)]
    assert all(help for _c, _m, help, _l in found)
    assert result.program is None


def test_retention_durations_are_typed_and_in_range() -> None:
    _result, found = diagnostics("cloud cleanup older than 30")
    assert [code for code, *_ in found] == ["PAN301"]  # a number where a duration belongs: the compiler's own check
    _result, found = diagnostics("cloud cleanup older than 0s")
    assert [code for code, *_ in found] == ["PAN426"]
    result, found = diagnostics("cloud cleanup older than 10m")
    assert [(code, message) for code, message, *_ in found] == [
        ("PAN427", "a retention of 10m may delete runs that are still being written")
    ]
    assert result.program is not None  # a warning does not stop the run


def test_valid_statements_lower_to_cloud_actions() -> None:
    result, found = diagnostics(
        'cloud sync to "s3://qa-results/shop"',
        "cloud cleanup older than 30d",
        'cloud cleanup "gs://qa-results/shop" older than 2d',
        "cloud analytics",
        'cloud analytics from "az://qa-results/shop"',
        'let where = env("RESULTS_URL", "./store")',
        "cloud sync to where",  # not known before the run: checked when the step runs (PAN933)
    )
    assert found == []
    assert result.program is not None
    actions = [step.action for step in result.program.scenarios[0].body]
    assert actions.count("cloud.sync") == 2 and actions.count("cloud.cleanup") == 2
    assert actions.count("cloud.analytics") == 2


def test_checking_a_cloud_file_loads_no_cloud_library(tmp_path: Path) -> None:
    pan = tmp_path / "t.pan"
    pan.write_text(APP + 'scenario "s" on shop {\n    cloud sync to "s3://qa-results/shop"\n}\n', encoding="utf-8")
    code = (
        "import sys\nfrom panoptic.cli import main\n"
        "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'google', 'azure'))\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(pan)], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr
