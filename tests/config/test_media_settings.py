"""Media storage from the environment: a directory by default, object storage when S3_BUCKET is set."""

from pathlib import Path

from tests.config.test_settings import evaluate, printed, project  # noqa: F401 (a fixture)

BACKEND = "s.STORAGES['default']['BACKEND'].rsplit('.', 1)[1]"


def test_without_a_bucket_media_is_a_directory(project: Path) -> None:  # noqa: F811
    result = evaluate(project, f"{BACKEND}, str(s.MEDIA_ROOT)", DEBUG="true", MEDIA_ROOT="/srv/media")
    assert printed(result) == ("FileSystemStorage", "/srv/media")


def test_a_bucket_selects_object_storage_with_credentials_from_files(project: Path, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "id").write_text("AKIDEXAMPLE\n")
    (tmp_path / "secret").write_text("s3-secret")
    options = "s.STORAGES['default']['OPTIONS']"
    result = evaluate(
        project, f"{BACKEND}, {{k: {options}[k] for k in ('bucket_name', 'endpoint_url', 'region_name', "
        "'access_key', 'secret_key', 'querystring_expire', 'file_overwrite')}",
        DEBUG="true", S3_BUCKET="uploads", S3_ENDPOINT_URL="http://minio:9000", S3_REGION="us-east-1",
        S3_ACCESS_KEY_ID_FILE=str(tmp_path / "id"), S3_SECRET_ACCESS_KEY_FILE=str(tmp_path / "secret"),
        S3_SIGNED_URL_SECONDS="60",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert printed(result) == (
        "S3Storage",
        {
            "bucket_name": "uploads",
            "endpoint_url": "http://minio:9000",
            "region_name": "us-east-1",
            "access_key": "AKIDEXAMPLE",
            "secret_key": "s3-secret",
            "querystring_expire": 60,
            "file_overwrite": False,
        },
    )


def test_a_bucket_without_keys_leaves_credentials_to_boto3(project: Path) -> None:  # noqa: F811
    options = "s.STORAGES['default']['OPTIONS']"
    result = evaluate(project, f"{options}['access_key'], {options}['secret_key']", DEBUG="true", S3_BUCKET="b")
    assert printed(result) == (None, None)


def test_media_accel_redirect_follows_behind_proxy_unless_set(project: Path) -> None:  # noqa: F811
    assert printed(evaluate(project, "s.MEDIA_ACCEL_REDIRECT", DEBUG="true", BEHIND_PROXY="true")) is True
    assert printed(evaluate(project, "s.MEDIA_ACCEL_REDIRECT", DEBUG="true", BEHIND_PROXY="false")) is False
    off = evaluate(project, "s.MEDIA_ACCEL_REDIRECT", DEBUG="true", BEHIND_PROXY="true", MEDIA_ACCEL_REDIRECT="false")
    assert printed(off) is False
