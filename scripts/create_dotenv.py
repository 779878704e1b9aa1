"""Creates .env from .env.example with freshly generated secrets; never overwrites an existing .env.

Standard library only: it runs before the virtualenv exists. Usage: create_dotenv.py [--force]
"""

import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ("SECRET_KEY", "JWT_SIGNING_KEY", "POSTGRES_PASSWORD")


def render(example: str) -> str:
    lines = []
    for line in example.splitlines():
        key = line.split("=", 1)[0]
        if key in GENERATED:
            line = f"{key}={secrets.token_urlsafe(50)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    target = ROOT / ".env"
    if target.exists() and "--force" not in argv:
        print(f"{target.name} exists: not overwritten (FORCE=1 replaces it, with new secrets).")
        return 0
    target.write_text(render((ROOT / ".env.example").read_text()))
    target.chmod(0o600)
    print(f"Created {target.name} from .env.example with fresh secrets ({', '.join(GENERATED)}).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
