from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import chain


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@dataclass
class Chain:
    api: chain.Api
    nginx: chain.Nginx
    workdir: Path

    @property
    def tls(self):  # type: ignore[no-untyped-def]
        return chain.tls_context(self.nginx.certificate)

    def https(self, method: str, path: str, **kwargs):  # type: ignore[no-untyped-def]
        return chain.request(method, self.nginx.https_port, path, tls=self.tls, **kwargs)


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("chain")


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    url = chain.create_database()
    yield url
    chain.drop_database(url)


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """An empty database of its own, for tests that watch migrations or count connections."""
    url = chain.create_database()
    yield url
    chain.drop_database(url)


@pytest.fixture(scope="session")
def running_chain(database_url: str, workdir: Path) -> Iterator[Chain]:
    api = chain.start_api(database_url, workdir / "api")
    try:
        nginx = chain.start_nginx(api.port, workdir / "nginx", Path(api.env["MEDIA_ROOT"]))
    except Exception:
        api.stop()
        raise
    yield Chain(api=api, nginx=nginx, workdir=workdir)
    nginx.stop()
    api.stop()
