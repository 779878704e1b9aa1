"""Helpers for the object-storage tests; the server itself is the s3_endpoint fixture (conftest.py)."""

import uuid
from typing import Any

import boto3

REGION = "eu-west-1"
CREDENTIALS = {"access_key": "test-access-key", "secret_key": "test-secret-key"}


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )


def s3_storages(settings: Any, endpoint: str) -> str:
    """Points the default storage at a new, empty bucket, as config/settings.py does for S3_BUCKET."""
    bucket = f"test-{uuid.uuid4().hex}"
    s3_client(endpoint).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "region_name": REGION,
                **CREDENTIALS,
                "querystring_expire": 300,
                "file_overwrite": False,
                "signature_version": "s3v4",
            },
        }
    }
    return bucket
