"""`make app NAME=orders`: a new app from scripts/app_template/, wired into settings and URLs.

Writes apps/<name>/ (model, serializer, viewset, router, admin) and tests/<name>/, adds the app
to INSTALLED_APPS and its router under /api/v1/. Every check runs before anything is written, so
a bad name or an existing app leaves the tree untouched. `make app` then makes its migration.
"""

import argparse
import keyword
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "app_template"
SETTINGS = ROOT / "config" / "settings.py"
URLS = ROOT / "config" / "urls.py"
# App labels already taken by Django and the packages this project installs.
RESERVED = {
    "admin", "auth", "contenttypes", "sessions", "messages", "staticfiles", "corsheaders", "rest_framework",
    "token_blacklist", "django_filters", "drf_spectacular", "core", "test", "tests", "config", "apps",
}  # fmt: skip


class Refused(Exception):
    pass


def model_name(app: str) -> str:
    singular = app[:-1] if app.endswith("s") and not app.endswith("ss") and len(app) > 3 else app
    return "".join(part.capitalize() for part in singular.split("_"))


def snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def check(app: str, model: str) -> None:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", app) or not app.isidentifier() or keyword.iskeyword(app):
        raise Refused(
            f"{app!r} is not a valid app name: use a lowercase Python identifier such as orders or order_lines."
        )
    if app in RESERVED:
        raise Refused(f"{app!r} is taken by Django, an installed package or this project; choose another name.")
    if (ROOT / "apps" / app).exists() or (ROOT / "tests" / app).exists():
        raise Refused(f"apps/{app} or tests/{app} exists already; nothing was written.")
    if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", model) or keyword.iskeyword(model):
        raise Refused(f"{model!r} is not a valid model name: use CapWords such as Order.")


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
    camel = "".join(part.capitalize() for part in app.split("_"))
    values = {"app": app, "model": model, "model_snake": snake(model), "camel": camel}
    files: dict[Path, str] = {}
    for source in sorted(TEMPLATE.rglob("*-tpl")):
        relative = source.relative_to(TEMPLATE)
        name = relative.with_name(relative.name.removesuffix("-tpl"))
        target = (
            ROOT / "tests" / app / name.relative_to("tests") if name.parts[0] == "tests" else ROOT / "apps" / app / name
        )
        files[target] = render(source.read_text(), values)
    files[SETTINGS] = wired(SETTINGS.read_text(), r'^    "apps\.\w+",$', f'    "apps.{app}",\n', "config/settings.py")
    files[URLS] = wired(
        URLS.read_text(), r'^    path\("api/v1/", include\("apps\.\w+\.urls"\)\),$',
        f'    path("api/v1/", include("apps.{app}.urls")),\n', "config/urls.py",
    )  # fmt: skip
    return files


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the app's name, a lowercase Python identifier (orders)")
    parser.add_argument("--model", help="the model's class name (default: the name in the singular, Order)")
    args = parser.parse_args(argv)
    model = args.model or model_name(args.name)
    try:
        check(args.name, model)
        files = plan(args.name, model)
    except Refused as refusal:
        print(f"app: {refusal}")
        return 2
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    print(f"app: created apps/{args.name} (model {model}) and tests/{args.name}, wired under /api/v1/{args.name}/.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
