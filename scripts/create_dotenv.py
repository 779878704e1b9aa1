"""Creates a development .env from .env.example: fresh secrets, DEBUG on, readable logs.

.env.example holds production values; this file is for a developer's machine and says so at its
top. Never overwrites an existing .env.

Standard library only: it runs before the virtualenv exists. Usage: create_dotenv.py [--force]
"""

import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ("SECRET_KEY", "JWT_SIGNING_KEY", "POSTGRES_PASSWORD")
DEVELOPMENT = {"DEBUG": "true", "LOG_FORMAT": "text"}
HEADER = """\
# DEVELOPMENT ONLY: written by `make install` (scripts/create_dotenv.py) for this machine, with
# DEBUG on (relaxed security defaults, debug pages), text logs and fresh secrets.
# Never deploy this file: production starts from .env.example, with its own secrets.

"""


def render(example: str) -> str:
    lines = []
    for line in example.splitlines():
        key = line.split("=", 1)[0]
        if key in GENERATED:
            line = f"{key}={secrets.token_urlsafe(50)}"
        elif key in DEVELOPMENT:
            line = f"{key}={DEVELOPMENT[key]}"
        lines.append(line)
    return HEADER + "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    target = ROOT / ".env"
    if target.exists() and "--force" not in argv:
        print(f"{target.name} exists: not overwritten (FORCE=1 replaces it, with new secrets).")
        return 0
    target.write_text(render((ROOT / ".env.example").read_text()))
    target.chmod(0o600)
    print(f"Created a development {target.name} from .env.example: DEBUG on, fresh secrets ({', '.join(GENERATED)}).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
