"""Fixtures: one real server per storage API per test process, and a `provider` fixture over all three."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.families.cloud.servers import (
    AZURITE_ACCOUNT,
    AZURITE_KEY,
    Server,
    azurite_available,
    start_azurite,
    start_gcs,
    start_moto,
)

S3_KEY_ID = "AKIAPANOPTICTEST0001"
S3_SECRET = "panoptic-test-secret-do-not-print-0001"


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_moto(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def gcs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_gcs(tmp_path_factory.mktemp("gcs"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not azurite_available():
        pytest.skip("Azurite is not installed: run scripts/setup.sh (it installs tools/azurite into .tools/azurite)")
    server = start_azurite(tmp_path_factory.mktemp("azurite"))
    yield server
    server.stop()


@dataclass
class Provider:
    """One storage API on its local server: URLs, and bucket set-up and inspection through its own client."""

    name: str
    server: Server

    def url(self, bucket: str, prefix: str = "runs", port: int | None = None) -> str:
        port = port or self.server.port
        path = f"{bucket}/{prefix}" if prefix else bucket
        if self.name == "s3":
            return f"s3://{path}?endpoint=http://127.0.0.1:{port}&region=us-east-1"
        if self.name == "gs":
            return f"gs://{path}?endpoint=http://127.0.0.1:{port}"
        return f"az://{path}?endpoint=http://127.0.0.1:{port}/{AZURITE_ACCOUNT}"

    def new_bucket(self, create: bool = True) -> str:
        name = f"pan-{uuid.uuid4().hex[:12]}"
        if create:
            self.create(name)
        return name

    def create(self, bucket: str) -> None:
        if self.name == "s3":
            self._s3().create_bucket(Bucket=bucket)
        elif self.name == "gs":
            self._gcs().create_bucket(bucket)
        else:
            self._azure().create_container(bucket)

    def objects(self, bucket: str) -> dict[str, int]:
        """Key -> size of every object in the bucket, read with the provider's own client."""
        if self.name == "s3":
            pages = self._s3().get_paginator("list_objects_v2").paginate(Bucket=bucket)
            return {o["Key"]: o["Size"] for page in pages for o in page.get("Contents", ())}
        if self.name == "gs":
            return {b.name: b.size for b in self._gcs().list_blobs(bucket)}
        return {b.name: b.size for b in self._azure().get_container_client(bucket).list_blobs()}

    def read(self, bucket: str, key: str) -> bytes:
        if self.name == "s3":
            return self._s3().get_object(Bucket=bucket, Key=key)["Body"].read()
        if self.name == "gs":
            return self._gcs().bucket(bucket).blob(key).download_as_bytes()
        return self._azure().get_container_client(bucket).download_blob(key).readall()

    def _s3(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.server.endpoint,
            region_name="us-east-1",
            aws_access_key_id=S3_KEY_ID,
            aws_secret_access_key=S3_SECRET,
        )

    def _gcs(self):
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import storage

        return storage.Client(
            project="panoptic",
            credentials=AnonymousCredentials(),
            client_options={"api_endpoint": self.server.endpoint},
        )

    def _azure(self):
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient(
            f"{self.server.endpoint}/{AZURITE_ACCOUNT}",
            credential={"account_name": AZURITE_ACCOUNT, "account_key": AZURITE_KEY},
        )


def provider_env(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Credentials as a user would give them: environment variables read by each provider's usual chain."""
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "AZURE_STORAGE_CONNECTION_STRING",
                "AZURE_STORAGE_SAS_TOKEN", "STORAGE_EMULATOR_HOST", "GOOGLE_APPLICATION_CREDENTIALS"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", S3_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", S3_SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AZURE_STORAGE_KEY", AZURITE_KEY)
    monkeypatch.setenv("AZURE_STORAGE_ACCOUNT", AZURITE_ACCOUNT)


@pytest.fixture(params=["s3", "gs", "az"])
def provider(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Provider:
    server = request.getfixturevalue({"s3": "moto", "gs": "gcs", "az": "azurite"}[request.param])
    provider_env(monkeypatch, request.param)
    return Provider(request.param, server)
