"""The production lock is the runtime subset of the development lock, at the very same versions."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pins(path: Path) -> dict[str, str]:
    result = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            result[name.lower()] = version.split()[0]
    return result


def test_production_pins_match_the_development_lock():
    development = pins(ROOT / "requirements" / "lock.txt")
    production = pins(ROOT / "requirements" / "production.txt")
    assert "django" in production and "gunicorn" in production
    assert "pytest" not in production, "test tools must stay out of the production image"
    mismatched = {
        name: (version, development.get(name))
        for name, version in production.items()
        if development.get(name) != version
    }
    assert not mismatched, f"production.txt differs from lock.txt: {mismatched}"
