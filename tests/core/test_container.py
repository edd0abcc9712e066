"""The container image and compose file say what issue 18 asks, and every way of running
Zicht goes through the one entrypoint script. CI cannot run containers: hadolint and the
compose-spec schema check the files (make lint), deploy/check-image-commands runs the
image's commands from a clean virtual environment, and this test checks the rest."""

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def _stages(dockerfile: str) -> list[str]:
    return re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)[1:]


def test_the_image_builds_in_two_stages_and_runs_without_compilers_or_root():
    builder, final = _stages((REPO / "Dockerfile").read_text())
    assert builder.startswith("python:3.11-slim-bookworm AS builder")
    assert "RUN deploy/build-venv /opt/venv" in builder
    assert "build-essential" in builder
    assert final.startswith("python:3.11-slim-bookworm\n")
    for compiler in ("build-essential", "gcc", "g++", "clang", "make "):
        assert compiler not in final, compiler
    assert "COPY --from=builder /opt/venv /opt/venv" in final
    user = re.search(r"^USER (\d+):(\d+)$", final, flags=re.MULTILINE)
    assert user and int(user[1]) > 0 and int(user[2]) > 0
    assert 'CMD ["/opt/venv/bin/python", "/app/deploy/healthcheck.py"]' in final
    assert 'ENTRYPOINT ["/app/deploy/zicht-run"]' in final
    assert "/healthz" in (REPO / "deploy" / "healthcheck.py").read_text()


def test_nothing_secret_or_local_goes_into_the_image():
    ignored = (REPO / ".dockerignore").read_text().split()
    for path in (".git", ".venv", "var", "*.env", "deploy/systemd/zicht.env"):
        assert path in ignored, path


def _compose() -> dict:
    return yaml.safe_load((REPO / "compose.yaml").read_text())


def test_compose_runs_postgres_web_worker_and_scheduler_after_the_migrations():
    services = _compose()["services"]
    assert set(services) == {"db", "migrate", "web", "worker", "scheduler"}
    assert services["db"]["image"].startswith("postgres:")
    assert "postgres-data:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("web", "worker", "scheduler"):
        assert services[name]["command"] == [name]
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }
        assert services[name]["restart"] == "unless-stopped"
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    assert "/app/deploy/healthcheck.py" in services["web"]["healthcheck"]["test"]
    # The image's health check asks the web server: the other processes switch it off
    # rather than being reported unhealthy forever.
    for name in ("migrate", "worker", "scheduler"):
        assert services[name]["healthcheck"] == {"disable": True}
    # Published on the loopback address only: a TLS proxy goes in front.
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]


def test_compose_reads_secrets_from_files_and_commits_none():
    compose = _compose()
    web = compose["services"]["web"]
    for name in ("DJANGO_SECRET_KEY", "ZICHT_PSEUDONYM_KEY", "ZICHT_FIELD_ENCRYPTION_KEY"):
        assert web["environment"][f"{name}_FILE"].startswith("/run/secrets/")
        assert name not in web["environment"]
    assert set(compose["secrets"]) == set(web["secrets"])
    example = (REPO / "deploy" / "compose.env.example").read_text()
    assert "CHANGE-ME" in example
    assert "SECRET_KEY=" not in example and "_KEY=" not in example
    ignored = (REPO / ".gitignore").read_text().split()
    assert "deploy/compose.env" in ignored and "deploy/secrets/" in ignored


def test_every_way_of_running_uses_a_command_the_entrypoint_knows():
    script = (REPO / "deploy" / "zicht-run").read_text()
    known = set(re.findall(r"^  ([a-z]+)\)$", script, flags=re.MULTILINE))
    assert known == {"migrate", "web", "worker", "scheduler", "daily"}
    used = {command for s in _compose()["services"].values() for command in s.get("command", [])}
    for unit in (REPO / "deploy" / "systemd").glob("*.service"):
        found = re.search(r"^ExecStart=/srv/zicht/deploy/zicht-run (\w+)$", unit.read_text(), re.M)
        assert found, unit.name
        used.add(found[1])
    assert used <= known and used == known
