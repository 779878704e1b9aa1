"""Tasks only the tests enqueue, importable by a worker started as a process of its own."""

from django_tasks import task


@task()
def succeeds() -> None:
    """Does nothing, successfully."""


@task()
def always_fails() -> None:
    raise RuntimeError("the third party is down")
