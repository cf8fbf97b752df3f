"""The production layout on Debian, written by ``lianxin manage deploy_files``.

Every file is a Django template under ``ops/templates/ops/deploy/`` rendered from one ``Layout``, so the units,
the nginx site and the environment file agree on the paths, the address and the limits: the upload limit of
nginx is computed from the upload settings, the internal location from ``MEDIA_SENDFILE_URL``. The files are
written under ``out`` as they lie under ``/`` (``--out /`` puts them in place); the environment file is
written only when it is not there, with fresh keys and passwords, so running the command again never changes
a key.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.template import Context, engines

MB = 1024 * 1024


@dataclass(frozen=True)
class Layout:
    """Where one instance lives and how it is reached; the command's options."""

    domain: str
    name: str = "lianxin"  # prefix of the units, of /etc/NAME and of the admin command: one per instance
    user: str = "lianxin"
    prefix: str = "/opt/lianxin"  # the checkout (or an empty directory with the wheel in the venv)
    venv: str = ""  # default: PREFIX/venv
    var: str = "/var/lib/lianxin"  # LIANXIN_VAR_DIR: database file (SQLite), media, static, queue
    etc: str = ""  # default: /etc/NAME
    bind: str = "127.0.0.1:8000"
    web_workers: int = 3
    worker_threads: int = 2
    redis_url: str = ""  # a county: cache and queue in Redis
    database_url: str = ""  # default: the application role on the local PostgreSQL, fresh password
    database_owner_url: str = ""  # default: the owner role, fresh password
    tls_cert: str = ""  # default: Let's Encrypt's path for the domain
    tls_key: str = ""
    http_port: int = 80
    https_port: int = 443
    backup_time: str = "02:30:00"
    request_timeout: int = 60

    def resolved(self) -> Layout:
        """The defaults that follow from other options filled in."""
        values = asdict(self)
        values["venv"] = self.venv or f"{self.prefix}/venv"
        values["etc"] = self.etc or f"/etc/{self.name}"
        values["tls_cert"] = self.tls_cert or f"/etc/letsencrypt/live/{self.domain}/fullchain.pem"
        values["tls_key"] = self.tls_key or f"/etc/letsencrypt/live/{self.domain}/privkey.pem"
        return Layout(**values)


def body_limit() -> tuple[int, str]:
    """The largest request body Lianxin accepts, in whole MB with one MB for the form's other fields, and
    where it comes from: the most photos of a citizen's report, or the most documents of a staff form."""
    photos = settings.PORTAL_PHOTO_MAX_BYTES * settings.PORTAL_PHOTO_MAX_COUNT
    documents = settings.DOCUMENT_MAX_BYTES * settings.ATTACHMENT_MAX_COUNT
    note = (
        f"{settings.PORTAL_PHOTO_MAX_COUNT} photos of {settings.PORTAL_PHOTO_MAX_BYTES // MB} MB "
        f"(PORTAL_PHOTO_MAX_*) or {settings.ATTACHMENT_MAX_COUNT} documents of "
        f"{settings.DOCUMENT_MAX_BYTES // MB} MB (ATTACHMENT_MAX_COUNT, DOCUMENT_MAX_BYTES), plus 1 MB"
    )
    return -(-max(photos, documents) // MB) + 1, note


def _protect_home(layout: Layout) -> str:
    """Home directories hidden from the services, unless the checkout or the var directory lies in one."""
    paths = (layout.prefix, layout.venv, layout.var)
    return "read-only" if any(p.startswith(("/home/", "/root")) for p in paths) else "yes"


def context(layout: Layout) -> dict[str, object]:
    body_max_mb, body_note = body_limit()
    return {
        **asdict(layout),
        "env_file": f"{layout.etc}/{layout.name}.env",
        "upstream": layout.name.replace("-", "_") + "_web",
        "protect_home": _protect_home(layout),
        "body_max_mb": body_max_mb,
        "body_note": body_note,
        "media_url": "/" + str(settings.SENDFILE_URL).strip("/"),
        "static_url": "/" + settings.STATIC_URL.strip("/") + "/",
        "stop_timeout": 30,
        "stop_timeout_systemd": 90,  # gunicorn's and the tasks' own 30 s, with room; then SIGKILL
    }


def _fresh_secrets(layout: Layout) -> dict[str, str]:
    """Keys and passwords made for this one environment file, never shown anywhere else."""
    app, owner = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    return {
        "secret_key": secrets.token_urlsafe(50),
        "field_key": Fernet.generate_key().decode(),
        "database_url": layout.database_url or f"postgres://lianxin_app:{app}@127.0.0.1:5432/lianxin",
        "database_owner_url": layout.database_owner_url
        or f"postgres://lianxin_owner:{owner}@127.0.0.1:5432/lianxin",
    }


# template → path under the output directory, for a layout named NAME
FILES = {
    "web.service": "etc/systemd/system/{name}-web.service",
    "worker.service": "etc/systemd/system/{name}-worker.service",
    "scheduler.service": "etc/systemd/system/{name}-scheduler.service",
    "backup.service": "etc/systemd/system/{name}-backup.service",
    "backup.timer": "etc/systemd/system/{name}-backup.timer",
    "nginx.conf": "etc/nginx/sites-available/{name}.conf",
    "logrotate": "etc/logrotate.d/{name}",
    "admin.sh": "usr/local/sbin/{name}-admin",
}


def render(template: str, values: dict[str, object]) -> str:
    """A deploy template rendered as plain text (no HTML escaping: these are configuration files)."""
    engine = engines["django"].engine  # type: ignore[attr-defined]
    return str(engine.get_template(f"ops/deploy/{template}").render(Context(values, autoescape=False)))


def write_files(layout: Layout, out: Path) -> list[tuple[Path, str]]:
    """Write every file under ``out``; return (path, what happened) for each, for the command to print.

    1. the units, the nginx site, logrotate and the admin command: always written again (they hold no secret);
    2. the environment file: only when missing, with fresh keys, created with mode 0600 from the start."""
    layout = layout.resolved()
    values = context(layout)
    done: list[tuple[Path, str]] = []
    for template, target in FILES.items():
        path = out / target.format(name=layout.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(template, values))
        path.chmod(0o755 if template == "admin.sh" else 0o644)
        done.append((path, "written"))
    env_path = out / str(values["env_file"]).lstrip("/")
    env_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(env_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        done.append((env_path, "kept (it holds the keys; never overwritten)"))
        return done
    with os.fdopen(fd, "w") as env_file:
        env_file.write(render("lianxin.env", values | _fresh_secrets(layout)))
    done.append((env_path, "written with fresh keys (mode 0600)"))
    return done
