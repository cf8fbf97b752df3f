"""``lianxin manage deploy_files --out DIR --domain D``: the production layout on Debian (lianxin/ops/deploy.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lianxin.ops.deploy import Layout, write_files


class Command(BaseCommand):
    help = (
        "Write the systemd units (web, worker, scheduler, nightly backup), the nginx site, logrotate, an admin "
        "command and the environment file (only if missing, with fresh keys) under DIR as they lie under /. "
        "See docs/operations.md, 'Install and deployment'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        d = Layout(domain="")
        parser.add_argument(
            "--out", required=True, help="where to write; / puts the files in place (as root)"
        )
        parser.add_argument(
            "--domain", required=True, help="the site's host name, e.g. lianxin.example.gov.cn"
        )
        parser.add_argument(
            "--name", default=d.name, help="units NAME-web…, /etc/NAME: one name per instance"
        )
        parser.add_argument("--user", default=d.user, help="the system user the services run as")
        parser.add_argument(
            "--prefix", default=d.prefix, help="the checkout: the services' working directory"
        )
        parser.add_argument("--venv", default="", help="the virtual environment (default PREFIX/venv)")
        parser.add_argument("--var", default=d.var, help="LIANXIN_VAR_DIR: one per instance")
        parser.add_argument("--etc", default="", help="the environment file's directory (default /etc/NAME)")
        parser.add_argument("--bind", default=d.bind, help="gunicorn's address, behind nginx")
        parser.add_argument("--web-workers", type=int, default=d.web_workers)
        parser.add_argument("--worker-threads", type=int, default=d.worker_threads)
        parser.add_argument("--redis", default="", help="a county: redis://… for the cache and the queue")
        parser.add_argument("--database-url", default="", help="default: role lianxin_app, fresh password")
        parser.add_argument("--database-owner-url", default="", help="default: role lianxin_owner")
        parser.add_argument("--tls-cert", default="", help="default: Let's Encrypt's fullchain.pem")
        parser.add_argument("--tls-key", default="", help="default: Let's Encrypt's privkey.pem")
        parser.add_argument("--http-port", type=int, default=d.http_port)
        parser.add_argument("--https-port", type=int, default=d.https_port)
        parser.add_argument("--backup-time", default=d.backup_time, help="local time of the nightly backup")

    def handle(self, *args: Any, **options: Any) -> None:
        layout = Layout(
            domain=options["domain"],
            name=options["name"],
            user=options["user"],
            prefix=options["prefix"].rstrip("/") or "/",
            venv=options["venv"].rstrip("/"),
            var=options["var"].rstrip("/"),
            etc=options["etc"].rstrip("/"),
            bind=options["bind"],
            web_workers=options["web_workers"],
            worker_threads=options["worker_threads"],
            redis_url=options["redis"],
            database_url=options["database_url"],
            database_owner_url=options["database_owner_url"],
            tls_cert=options["tls_cert"],
            tls_key=options["tls_key"],
            http_port=options["http_port"],
            https_port=options["https_port"],
            backup_time=options["backup_time"],
        )
        for path, what in write_files(layout, Path(options["out"])):
            self.stdout.write(f"{path}: {what}")
