"""Wrong or missing credentials: the message names the problem and where the credentials came from, never the key."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from panoptic.families.cloud.errors import AccessDenied
from panoptic.families.cloud.sync import sync_results
from tests.families.cloud.conftest import Provider, provider_env
from tests.families.cloud.runs import Sc, write_run
from tests.families.cloud.servers import Server, start_moto

T0 = 1_790_000_000.0
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


@pytest.fixture(scope="module")
def moto_auth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    """A moto server that checks signatures after its first three requests (which create the IAM user)."""
    import boto3

    server = start_moto(tmp_path_factory.mktemp("moto-auth"), auth_after=3)
    try:
        iam = boto3.client(
            "iam", endpoint_url=server.endpoint, region_name="us-east-1",
            aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap",
        )  # fmt: skip
        iam.create_user(UserName="ci")
        key = iam.create_access_key(UserName="ci")["AccessKey"]
        iam.put_user_policy(UserName="ci", PolicyName="all", PolicyDocument=json.dumps(POLICY))
        boto3.client(
            "s3", endpoint_url=server.endpoint, region_name="us-east-1",
            aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
        ).create_bucket(Bucket="guarded")  # fmt: skip
        yield server, {"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
    finally:
        server.stop()


@pytest.fixture
def run(tmp_path: Path) -> Path:
    return write_run(tmp_path / "run-c", "run-c", T0, [Sc("one", artifacts=1)])


def _url(server: Server) -> str:
    return f"s3://guarded/runs?endpoint={server.endpoint}&region=us-east-1"


def test_the_right_s3_key_works_on_the_checking_server(moto_auth, run: Path, monkeypatch) -> None:
    server, key = moto_auth
    provider_env(monkeypatch, "s3")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["secret"])
    files = [p for p in run.rglob("*") if p.is_file()]
    assert sync_results(run, _url(server)).uploaded == len(files) == 2


def test_a_wrong_s3_secret_is_named_and_never_printed(moto_auth, run: Path, monkeypatch) -> None:
    server, key = moto_auth
    provider_env(monkeypatch, "s3")
    wrong = "wrong-secret-value-0123456789abcdef"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", wrong)
    with pytest.raises(AccessDenied) as info:
        sync_results(run, _url(server), attempts=1)
    err = info.value
    assert err.code == "PAN932"
    assert "the secret key does not match the access key id" in err.message
    assert "environment variables" in err.message
    assert wrong not in err.message + (err.help or "")
    assert key["secret"] not in err.message + (err.help or "")


def test_an_unknown_s3_key_id_is_named(moto_auth, run: Path, monkeypatch) -> None:
    server, _key = moto_auth
    provider_env(monkeypatch, "s3")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIANOTKNOWNANYWHERE")
    with pytest.raises(AccessDenied) as info:
        sync_results(run, _url(server), attempts=1)
    assert "the access key id is not known to the server" in info.value.message


def test_the_sync_command_prints_the_code_and_never_the_key(moto_auth, run: Path, monkeypatch) -> None:
    import typer

    from panoptic.families.cloud.cli import register

    server, key = moto_auth
    provider_env(monkeypatch, "s3")
    wrong = "another-wrong-secret-9876543210"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", wrong)
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["sync", str(run), _url(server), "--quiet"])
    assert result.exit_code == 1, result.output
    assert "error[PAN932]" in result.output
    assert wrong not in result.output and "Traceback" not in result.output


def test_a_wrong_azure_account_key_is_named_and_never_printed(azurite, run: Path, monkeypatch) -> None:
    provider = Provider("az", azurite)
    provider_env(monkeypatch, "az")
    bucket = provider.new_bucket()
    wrong = base64.b64encode(os.urandom(64)).decode()
    monkeypatch.setenv("AZURE_STORAGE_KEY", wrong)
    with pytest.raises(AccessDenied) as info:
        sync_results(run, provider.url(bucket), attempts=1)
    err = info.value
    assert err.code == "PAN932"
    assert "AZURE_STORAGE_KEY" in err.message
    assert wrong not in err.message + (err.help or "")
    assert provider.objects(bucket) == {}


def test_a_missing_google_credentials_file_is_named(run: Path, monkeypatch, tmp_path: Path) -> None:
    provider_env(monkeypatch, "gs")
    missing = tmp_path / "no-such-key.json"
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(missing))
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "panoptic-test")
    with pytest.raises(AccessDenied) as info:
        sync_results(run, "gs://some-bucket/runs", attempts=1)
    assert info.value.code == "PAN932"
    assert "no-such-key.json" in info.value.message
    assert "GOOGLE_APPLICATION_CREDENTIALS" in (info.value.help or "")


def test_server_side_encryption_is_asked_for(moto, run: Path, monkeypatch) -> None:
    provider = Provider("s3", moto)
    provider_env(monkeypatch, "s3")
    bucket = provider.new_bucket()
    sync_results(run, provider.url(bucket) + "&sse=AES256")
    head = provider._s3().head_object(Bucket=bucket, Key="runs/run-c/results.jsonl.gz")
    assert head["ServerSideEncryption"] == "AES256"
    assert head["Metadata"]["panoptic-md5"]


def test_messages_are_scrubbed_of_every_known_secret(monkeypatch) -> None:
    from panoptic.families.cloud.errors import MASK, TransferFailed, scrub

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-secret-0123456789")
    monkeypatch.setenv(
        "AZURE_STORAGE_CONNECTION_STRING",
        "DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=azure-key-abcdef==;BlobEndpoint=http://h/acct",
    )
    text = "failed with aws-secret-0123456789 and azure-key-abcdef== at https://h/c?sv=1&sig=tok3n"
    assert scrub(text) == f"failed with {MASK} and {MASK} at https://h/c?sv=1&sig={MASK}"
    err = TransferFailed("boom aws-secret-0123456789", help="AccountKey=anything-else;")
    assert "aws-secret" not in err.message and "anything-else" not in (err.help or "")
