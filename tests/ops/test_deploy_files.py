"""The deployment files agree with the Procfile and the settings (deploy/README.md).

No container engine runs here: the compose file is parsed (PyYAML) and checked, the systemd
units and the Procfile are compared command by command, and the example environment file is
loaded by the real settings in a subprocess.
"""

import configparser
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def procfile() -> dict[str, list[str]]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = shlex.split(command)
    return entries


def without_variables(argv: list[str]) -> list[str]:
    """The command without options whose value is a ${VAR}: those differ per deployment."""
    return [a for a in argv if "$" not in a and "%" not in a]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_has_two_webs_two_workers_one_beat_postgres_and_redis(compose):
    services = compose["services"]
    commands = {name: s.get("command") or [] for name, s in services.items()}
    webs = [n for n, c in commands.items() if c[:1] == ["gunicorn"]]
    workers = [n for n, c in commands.items() if c[:4] == ["celery", "-A", "config", "worker"]]
    beats = [n for n, c in commands.items() if c[:4] == ["celery", "-A", "config", "beat"]]
    assert (len(webs), len(workers), len(beats)) == (2, 2, 1)
    assert services["postgres"]["image"].startswith("postgres:")
    redis = services["redis"]["command"]
    assert redis[redis.index("--appendonly") + 1] == "yes"
    assert redis[redis.index("--maxmemory-policy") + 1] == "noeviction"
    # Two workers on one host need distinct node names, or the second is refused by the first.
    names = [next(a for a in commands[w] if a.startswith("--hostname=")) for w in workers]
    assert len(set(names)) == 2


def test_compose_commands_are_the_procfile_commands(compose):
    proc = procfile()
    services = compose["services"]
    for name, service in services.items():
        command = service.get("command") or []
        if command[:1] == ["gunicorn"]:
            assert command == proc["web"], name
        elif command[:4] == ["celery", "-A", "config", "worker"]:
            assert without_variables(command)[:5] == without_variables(proc["worker"])[:5], name
        elif command[:4] == ["celery", "-A", "config", "beat"]:
            assert command[:5] == proc["beat"][:5], name
            assert any(a.startswith("--schedule=") for a in command), name
    # The image's default command is the web server's.
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M).group(1)
    assert yaml.safe_load(cmd) == proc["web"]


def test_the_dockerfile_is_multi_stage_non_root_and_collects_static_files():
    text = (DEPLOY / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, re.M)) >= 2
    assert re.search(r"^USER (?!root)\w+", text, re.M)
    assert "collectstatic --noinput" in text
    assert "deploy/gunicorn.conf.py" in text


def test_compose_gives_every_process_what_production_settings_require(compose):
    services = compose["services"]
    settings_source = (ROOT / "config" / "settings.py").read_text()
    for name, service in services.items():
        if (service.get("command") or [""])[0] not in ("gunicorn", "celery", "python"):
            continue
        environment = service["environment"]
        assert environment["DEBUG"] == "0", name
        for required in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"):
            assert environment.get(required), f"{name} lacks {required}"
        for variable in environment:
            # Every variable given is one the settings (or gunicorn's config) read.
            known = f'"{variable}"' in settings_source or variable in ("PORT", "WEB_CONCURRENCY")
            assert known, f"{name}: {variable} is read by nothing"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://redis:")


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_systemd_units_run_the_procfile_commands():
    proc = procfile()
    units = {
        "web": "rimelig-web.service",
        "worker": "rimelig-worker@.service",
        "beat": "rimelig-beat.service",
    }
    for kind, unit in units.items():
        service = _unit(unit)["Service"]
        argv = shlex.split(service["ExecStart"])
        assert Path(argv[0]).name == proc[kind][0], unit
        assert without_variables(argv[1:])[:4] == without_variables(proc[kind][1:])[:4], unit
        assert service["EnvironmentFile"] == "/etc/rimelig/rimelig.env"
        assert service["User"] != "root"
        assert service["Restart"] == "always"


def test_the_example_environment_file_starts_the_production_settings():
    values = {}
    for line in (DEPLOY / "rimelig.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = value
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL", "LOG_FORMAT"}
    }
    environment.update(values)
    environment["RIMELIG_VAR_DIR"] = str(ROOT / "var")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DEBUG, settings.LOG_FORMAT, settings.CELERY_BROKER_URL)",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "json", values["REDIS_URL"]]


def test_the_gunicorn_config_reads_port_and_workers_from_the_environment():
    code = (DEPLOY / "gunicorn.conf.py").read_text()
    namespace: dict = {}
    old = {k: os.environ.get(k) for k in ("PORT", "WEB_CONCURRENCY", "BIND")}
    try:
        os.environ.update({"PORT": "8123", "WEB_CONCURRENCY": "3"})
        os.environ.pop("BIND", None)
        exec(compile(code, "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert namespace["bind"] == "0.0.0.0:8123"
    assert namespace["workers"] == 3
    assert namespace["accesslog"] is None
    assert namespace["logconfig_dict"]["handlers"]["console"]["filters"] == ["context"]
