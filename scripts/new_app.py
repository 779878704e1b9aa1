"""`make app NAME=orders`: a new app from scripts/app_template/, wired in, migrated and tested.

Writes apps/<name>/ (model, serializer, viewset, router, admin, migration) and tests/<name>/
(factory, API tests), adds the app to INSTALLED_APPS and its router under /api/v1/, then applies
the migration. Every check runs before anything is written: the names against the installed
project (app labels, model names, tables, index names, attributes and reverse accessors of the
user model, Python keywords and modules), then Django's system checks on a scratch copy with the
app added. A refused name leaves the tree untouched, byte for byte.
"""

import argparse
import importlib.util
import keyword
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "app_template"
SETTINGS = ROOT / "config" / "settings.py"
URLS = ROOT / "config" / "urls.py"
# Django refuses longer index names (models.E034).
MAX_INDEX_NAME = 30


class Refused(Exception):
    pass


@dataclass(frozen=True)
class Project:
    """What the installed project already uses, read from Django's app registry."""

    labels: set[str]
    models: dict[str, str]  # class name -> app_label.Model
    tables: set[str]
    indexes: set[str]
    user_attributes: set[str]  # fields, reverse accessors, related query names and methods of the user model


def installed_project() -> Project:
    sys.dont_write_bytecode = True  # a refused run leaves no __pycache__ behind either
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.apps import apps
    from django.contrib.auth import get_user_model

    django.setup()
    models = apps.get_models(include_auto_created=True)
    user = get_user_model()
    related_query_names = {relation.field.related_query_name() for relation in user._meta.related_objects}
    return Project(
        labels={config.label for config in apps.get_app_configs()},
        models={model.__name__: model._meta.label for model in models},
        tables={model._meta.db_table for model in models},
        indexes={index.name for model in models for index in model._meta.indexes},
        user_attributes=set(dir(user)) | {field.name for field in user._meta.get_fields()} | related_query_names,
    )


def model_name(app: str) -> str:
    singular = app[:-1] if app.endswith("s") and not app.endswith("ss") and len(app) > 3 else app
    return "".join(part.capitalize() for part in singular.split("_"))


def snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def index_name(app: str) -> str:
    full = f"{app}_owner_created_idx"
    return full if len(full) <= MAX_INDEX_NAME else f"{app[: MAX_INDEX_NAME - len('_owner_idx')]}_owner_idx"


def check_names(app: str, model: str) -> None:
    """Refusals that need no Django: the shape of both names."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", app) or keyword.iskeyword(app):
        raise Refused(
            f"{app!r} is not a valid app name: use a lowercase Python identifier such as orders or order_lines."
        )
    if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", model) or keyword.iskeyword(snake(model)):
        raise Refused(f"{model!r} is not a valid model name: use CapWords such as Order.")


def check_against(project: Project, app: str, model: str) -> None:
    """Refusals for names the installed project already uses."""
    if app in project.labels:
        raise Refused(f"{app!r} is the label of an installed app (Django, a package or this project).")
    for path in (f"apps/{app}", f"apps/{app}.py", f"tests/{app}", f"tests/{app}.py"):
        if (ROOT / path).exists():
            raise Refused(f"{path} exists already.")
    # Django's startapp rule: an app named like an importable module would shadow it or be shadowed.
    if importlib.util.find_spec(app) is not None:
        raise Refused(f"{app!r} is the name of an existing Python module.")
    # The owner key's related_name is the app's name: User.<app> must be free.
    if app in project.user_attributes:
        raise Refused(f"User.{app} exists already (a field, reverse accessor or method of the user model).")
    if model in project.models:
        raise Refused(f"a model named {model!r} exists already ({project.models[model]}); choose another --model.")
    if f"{app}_{model.lower()}" in project.tables:
        raise Refused(f"the table {app}_{model.lower()} is taken by another model.")
    if index_name(app) in project.indexes:
        raise Refused(f"the index name {index_name(app)} is taken by another model.")


def render(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{{ " + key + " }}", value)
    leftover = re.findall(r"\{\{ \w+ \}\}", text)
    if leftover:
        raise Refused(f"the template has unknown placeholders: {leftover}")
    return text


def wired(text: str, after: str, line: str, where: str) -> str:
    """`text` with `line` inserted after the last line matching `after`."""
    matches = list(re.finditer(after, text, re.MULTILINE))
    if not matches:
        raise Refused(f"{where}: cannot find where to add the app; add {line.strip()!r} by hand.")
    end = text.index("\n", matches[-1].end()) + 1
    return text[:end] + line + text[end:]


def plan(app: str, model: str) -> dict[Path, str]:
    """Every file to write, by path relative to the project root, with its full new text."""
    camel = "".join(part.capitalize() for part in app.split("_"))
    values = {"app": app, "model": model, "model_snake": snake(model), "camel": camel, "index": index_name(app)}
    files: dict[Path, str] = {}
    for source in sorted(TEMPLATE.rglob("*-tpl")):
        relative = source.relative_to(TEMPLATE)
        name = relative.with_name(relative.name.removesuffix("-tpl"))
        target = Path("tests", app, *name.parts[1:]) if name.parts[0] == "tests" else Path("apps", app, name)
        files[target] = render(source.read_text(), values)
    files[SETTINGS.relative_to(ROOT)] = wired(
        SETTINGS.read_text(), r'^    "apps\.\w+",$', f'    "apps.{app}",\n', "config/settings.py"
    )
    files[URLS.relative_to(ROOT)] = wired(
        URLS.read_text(), r'^    path\("api/v1/", include\("apps\.\w+\.urls"\)\),$',
        f'    path("api/v1/", include("apps.{app}.urls")),\n', "config/urls.py",
    )  # fmt: skip
    return files


def write(root: Path, files: dict[Path, str]) -> None:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def manage(root: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-B", "manage.py", *command], cwd=root, capture_output=True, text=True, check=False
    )


def check_in_scratch_copy(files: dict[Path, str]) -> None:
    """Django's system checks (clashing accessors, index names...) on a copy with the app written."""
    with tempfile.TemporaryDirectory(prefix="new-app-") as scratch:
        copy = Path(scratch)
        for part in ("apps", "config", "manage.py", ".env"):
            source = ROOT / part
            if source.is_dir():
                shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
            elif source.exists():
                shutil.copy2(source, copy / part)
        write(copy, files)
        result = manage(copy, "check")
        if result.returncode != 0:
            raise Refused(f"Django's checks fail with the app added:\n{(result.stderr or result.stdout).strip()}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the app's name, a lowercase Python identifier (orders)")
    parser.add_argument("--model", help="the model's class name (default: the name in the singular, Order)")
    args = parser.parse_args(argv)
    app = args.name
    model = args.model or model_name(app)
    try:
        check_names(app, model)
        check_against(installed_project(), app, model)
        files = plan(app, model)
        check_in_scratch_copy(files)
    except Refused as refusal:
        print(f"app: {refusal}\napp: nothing was written.")
        return 2
    write(ROOT, files)
    # Long names can push a generated line past the line length: let the project's formatter wrap it.
    ruff = Path(sys.executable).parent / "ruff"
    if ruff.exists():
        subprocess.run([ruff, "format", "--quiet", f"apps/{app}", f"tests/{app}"], cwd=ROOT, check=False)
    print(f"app: created apps/{app} (model {model}) and tests/{app}, wired under /api/v1/{app}/.")
    made = manage(ROOT, "makemigrations", app)
    if made.returncode != 0:
        print(f"app: makemigrations {app} failed, so nothing was migrated:\n{made.stderr.strip()}")
        return 1
    migrated = manage(ROOT, "migrate", app)
    if migrated.returncode != 0:
        print(
            f"app: the migration apps/{app}/migrations/0001_initial.py was written but NOT applied:\n"
            f"{migrated.stderr.strip()}\napp: start the database, then run: python manage.py migrate"
        )
        return 1
    print(f"app: applied apps/{app}/migrations/0001_initial.py to the database.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
