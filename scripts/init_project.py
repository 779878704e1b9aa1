"""`make init NAME=acme-api`: turns a fresh clone of the template into your project. Idempotent.

Renames the project where its name stands (README title, compose project and image, the image
label, the Kubernetes image, gunicorn's process name, pyproject), writes a new .env with fresh
secrets (an existing one only with --force), and with --fresh-git starts a new git history.
Standard library only: it runs before the virtualenv exists.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VALID_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

# (file, pattern with one group around the name, how the name is written there)
PLACES = [
    ("pyproject.toml", r'^name = "({name})"$', "{slug}"),
    ("docker-compose.yml", r"^name: ({name})$", "{slug}"),
    ("docker-compose.yml", r"\$\{{API_IMAGE:-({name}):local\}}", "{slug}"),
    ("Dockerfile", r'org\.opencontainers\.image\.title="({name})"', "{slug}"),
    ("k8s/kustomization.yaml", r"newName: registry\.example\.com/acme/({name})$", "{slug}"),
    ("config/gunicorn.py", r'^proc_name = "({name})"$', "{slug}"),
]


def current_name() -> str:
    match = re.search(r'^name = "([^"]+)"$', (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
    if not match:
        raise SystemExit("pyproject.toml has no [project] name: is this the template?")
    return match[1]


def rename(old: str, new: str) -> list[str]:
    changed = []
    for relative, pattern, _ in PLACES:
        path = ROOT / relative
        text = path.read_text()
        regex = re.compile(pattern.format(name=re.escape(old)), re.MULTILINE)
        if not regex.search(text):
            raise SystemExit(f"{relative}: the project name {old!r} is not where init expects it; rename by hand.")
        updated = regex.sub(lambda m: m[0].replace(m[1], new), text)
        if updated != text:
            path.write_text(updated)
            changed.append(relative)
    readme = ROOT / "README.md"
    lines = readme.read_text().split("\n")
    if lines[0] != f"# {new}":
        lines[0] = f"# {new}"
        readme.write_text("\n".join(lines))
        changed.append("README.md")
    return sorted(set(changed))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the project's name: lowercase words joined by hyphens, e.g. acme-api")
    parser.add_argument("--force", action="store_true", help="replace an existing .env")
    parser.add_argument("--fresh-git", action="store_true", help="start a new git history with one commit")
    args = parser.parse_args(argv)
    if not VALID_NAME.match(args.name):
        print(f"init: {args.name!r} is not a valid name: use lowercase letters, digits and single hyphens (acme-api).")
        return 2

    changed = rename(current_name(), args.name)
    print(
        f"init: renamed the project to {args.name!r} in {', '.join(changed)}." if changed else "init: name unchanged."
    )
    dotenv = [sys.executable, str(ROOT / "scripts" / "create_dotenv.py"), *(["--force"] if args.force else [])]
    subprocess.run(dotenv, check=True)
    if args.fresh_git:
        subprocess.run(["rm", "-rf", str(ROOT / ".git")], check=True)
        subprocess.run(["git", "init", "--quiet", "--initial-branch=main"], cwd=ROOT, check=True)
        subprocess.run(["git", "add", "--all"], cwd=ROOT, check=True)
        subprocess.run(
            ["git", "commit", "--quiet", "-m", f"Start {args.name} from the DRF starter"], cwd=ROOT, check=True
        )
        # Gitflow: main is production (GitLab's default branch), develop integrates; the pipeline runs on both.
        subprocess.run(["git", "branch", "develop"], cwd=ROOT, check=True)
        print("init: started a fresh git history on main, with a develop branch at the same commit.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
