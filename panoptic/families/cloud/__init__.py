"""The cloud family: results stored in a folder, S3, Google Cloud Storage or Azure Blob; retention; analytics.

Statements (`cloud.<op>` IR actions) and the commands `panoptic sync`,
`panoptic cleanup` and `panoptic analytics` share one storage interface chosen
by URL (`panoptic.families.cloud.storage`). This module and the check hook
import only the standard library and the contract: boto3, google-cloud-storage
and azure-storage-blob load when a run or a command first opens such a URL.
"""

from __future__ import annotations

from panoptic.contract.family import Family
from panoptic.contract.statements import StatementList
from panoptic.diagnostics.model import Severity
from panoptic.diagnostics.rules import Rule
from panoptic.diagnostics.rules import rule as _rule

E, W = Severity.ERROR, Severity.WARNING


_STATEMENTS = StatementList("cloud")
_s = _STATEMENTS.add


_s(
    "cloud sync to <url:text>",
    "cloud.sync",
    "upload this run's results folder as it is now (results of the finished scenarios, artifacts, reports) "
    "to a folder or bucket; unchanged files are skipped",
    example='cloud sync to "s3://qa-results/shop"',
)
_s(
    "cloud cleanup older than <age:duration>",
    "cloud.cleanup",
    "delete the runs beside this one (in the same results folder) whose newest file is older than the age",
    example="cloud cleanup older than 30d",
)
_s(
    "cloud cleanup <location:text> older than <age:duration>",
    "cloud.cleanup",
    "delete the runs stored in a folder or bucket whose newest file is older than the age",
    example='cloud cleanup "s3://qa-results/shop" older than 30d',
)
_s(
    "cloud analytics [from <source:text>]",
    "cloud.analytics",
    "write analytics.json and analytics.html (pass rate over time, flaky and slowest scenarios and steps, "
    "failure categories) from earlier runs beside this one, or from a folder or bucket",
    example='cloud analytics from "s3://qa-results/shop"',
)

_s(
    "lock <name:text> [waiting up to <wait:duration>]",
    "cloud.lock",
    "run the block while holding a named lock (an account, a device), so that no other scenario of the run "
    "uses it at the same time: across a Dask cluster, or across the worker processes of this machine",
    block="required",
    example='lock "account-a" {\n    login("a@example.com", password_a)\n}',
)

RULES: tuple[Rule, ...] = (
    _rule(
        "PAN420",
        "unknown-storage-scheme",
        E,
        "a storage URL has a scheme no store handles",
        "Storage URLs are a folder (a path or file:///path), s3://bucket/prefix, gs://bucket/prefix, "
        "az://container/prefix or https://ACCOUNT.blob.core.windows.net/container/prefix.",
    ),
    _rule(
        "PAN421",
        "invalid-bucket-name",
        E,
        "a bucket or container name breaks its provider's naming rules",
        "S3 and Google Cloud Storage bucket names and Azure container names are 3 to 63 lower-case letters, "
        "digits and hyphens (dots too for buckets, underscores for Google Cloud Storage), starting and ending "
        "with a letter or digit. The provider would refuse the name at run time.",
    ),
    _rule(
        "PAN422",
        "unknown-url-option",
        E,
        "a storage URL has an option its provider does not take",
        "Options: s3:// takes endpoint, region, sse, kms_key and profile; gs:// takes endpoint and project; "
        "az:// takes account and endpoint.",
    ),
    _rule(
        "PAN423",
        "credentials-in-url",
        E,
        "a storage URL holds credentials",
        "Keys, passwords and SAS tokens written into a URL end up in logs and reports. Give them through "
        "the provider's usual chain (environment variables, profiles, roles) instead.",
    ),
    _rule(
        "PAN424",
        "invalid-url-option",
        E,
        "a storage URL option has an invalid value",
        "`endpoint` is an http(s) URL, `region` a region name such as us-east-1, `sse` is AES256 or "
        "aws:kms, and `kms_key` needs `sse=aws:kms`.",
    ),
    _rule(
        "PAN425",
        "invalid-storage-path",
        E,
        "a storage URL or folder cannot name a place",
        "The URL is empty, lacks the `//` after its scheme, or its path holds `.` or `..` parts.",
    ),
    _rule(
        "PAN426",
        "non-positive-retention",
        E,
        "a cleanup retention is zero or negative",
        "`cloud cleanup older than` deletes runs older than the duration; zero would delete every run, "
        "including the one that is running.",
    ),
    _rule(
        "PAN427",
        "short-retention",
        W,
        "a cleanup retention is shorter than an hour",
        "Runs younger than an hour may still be running or uploading; a retention that short may delete them.",
    ),
    _rule(
        "PAN930",
        "storage-unreachable",
        E,
        "the storage server did not answer",
        "Connections were refused or reset, or timed out, on every attempt (with back-off between them). "
        "Files already stored stay stored; the next sync uploads only what is missing.",
    ),
    _rule(
        "PAN931",
        "bucket-not-found",
        E,
        "the bucket, container or folder does not exist",
        "Sync never creates buckets or containers: create it with the provider's tools, or fix the name.",
    ),
    _rule(
        "PAN932",
        "storage-access-denied",
        E,
        "the storage credentials are missing, wrong or lack a permission",
        "The message names the problem and where the credentials came from; keys are never printed.",
    ),
    _rule(
        "PAN933",
        "bad-storage-url",
        E,
        "a storage URL computed at run time is not valid",
        "The same rules as PAN420 to PAN425, for a URL that comes from a variable or `env()`.",
    ),
    _rule(
        "PAN934",
        "missing-cloud-library",
        E,
        "the client library of a storage provider is not installed",
        'Install the cloud extra: `pip install "panoptic-lang[cloud]"` (boto3, google-cloud-storage, azure-storage-blob).',
    ),
    _rule(
        "PAN935",
        "transfer-failed",
        E,
        "an upload, download or deletion failed",
        "The stored checksum differed from the file's, a local file could not be read, or the provider "
        "refused the request for a reason the message gives.",
    ),
    _rule(
        "PAN936",
        "no-results",
        E,
        "no results were found, or a results file cannot be read",
        "Sync and analytics read the `results.jsonl.gz` that `panoptic run` writes into its output folder.",
    ),
    _rule(
        "PAN937",
        "cleanup-incomplete",
        E,
        "a cleanup could not delete everything it meant to",
        "The message says what was deleted before the failure; running the cleanup again continues.",
    ),
    _rule(
        "PAN938",
        "bad-cloud-argument",
        E,
        "an argument of a cloud statement or command is out of range",
        "A retention must be a positive duration such as 30d, 12h or 90m.",
    ),
)

FAMILY = Family(
    name="cloud",
    summary="results stored in a folder, S3, Google Cloud Storage or Azure Blob Storage; retention; run analytics",
    statements=tuple(_STATEMENTS),
    rules=RULES,
    check="panoptic.families.cloud.checks:check",
    finish="panoptic.families.cloud.runtime:finish_syncs",
    runtime="panoptic.families.cloud.runtime:CloudRuntime",
    commands="panoptic.families.cloud.cli:register",
    docs=(
        "Cloud statements work on run results: `cloud sync to URL` uploads the run's folder as it is when the "
        "step runs (use `panoptic sync` after the run for the final reports), `cloud cleanup` deletes old runs, "
        "`cloud analytics` summarises earlier runs. URLs: a folder, s3://, gs://, az://. See docs/cloud.md."
    ),
)
