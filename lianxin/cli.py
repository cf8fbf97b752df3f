"""The ``lianxin`` command: demo, serve, worker, and any management command.

lianxin demo [--port P] [--no-serve] [--scale N]
lianxin migrate
lianxin serve [--bind HOST:PORT] [--workers N]
lianxin worker [--no-periodic] [--workers N]
lianxin backup [--out DIR]
lianxin restore ARCHIVE [--force]
lianxin manage <command> [...]
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path


def _setup(settings: str = "config.settings.base") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


def _claim_var_dir() -> None:
    """A server or worker starts only on the var directory of its own database (lianxin/ops/instance.py):
    the first start records it, a start with another database is refused (two instances never mix)."""
    from django.conf import settings

    from lianxin.ops.instance import VarDirTaken, claim_var_dir

    try:
        claim_var_dir(settings.VAR_DIR, settings.DATABASES["default"])
    except VarDirTaken as taken:
        print(taken, file=sys.stderr)
        raise SystemExit(2) from None


def demo(args: argparse.Namespace) -> int:
    """1. migrate  2. build the demo town  3. print the logins  4. serve with the worker in-process.

    The demo runs as the product does (DEBUG off unless the environment turns it on): its 404 and 500 pages
    are the product's, not Django's debug pages, and static files are collected and served by whitenoise.
    """
    # The demo's accounts and password are printed for anyone to try: no second factor unless asked for
    # (OTP_REQUIRED=true; the demo accounts' authenticator key is in the README).
    os.environ.setdefault("OTP_REQUIRED", "false")
    # The demo may run on keys it made itself (var/secret_key); serve and worker never do (lianxin/ops/startkeys.py).
    os.environ.setdefault("LIANXIN_ALLOW_DERIVED_KEYS", "true")
    # Served on the loopback only: hashed names as in production, without brotli and gzip copies made ahead
    # of time (nearly all of a collection's time, for no gain on 127.0.0.1).
    os.environ.setdefault("STATIC_PRECOMPRESS", "false")
    started = time.monotonic()
    _step(started, "1/4", "准备数据库 preparing the database (migrate)")
    _setup()
    _claim_var_dir()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    _step(started, "2/4", "建设演示城关镇 building the demo town (a minute or two the first time)")
    call_command("demo_town", scale=args.scale)
    call_command("demo_api_key")  # a fresh key for the demo hotline each run (only its hash is stored)
    if not settings.DEBUG:  # as production does: hashed files, served by whitenoise
        _step(started, "3/4", "整理静态文件 collecting static files (again only when one changed)")
        _collect_static()
    if args.no_serve:
        _step(started, "done", "演示城关镇已就绪 the demo town is ready (--no-serve)")
        return 0
    _step(started, "4/4", "启动服务和后台任务 starting the server and the worker")

    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    if not _port_free(args.port):
        print(f"连心 demo: port {args.port} is in use; choose another with --port.", file=sys.stderr)
        return 1
    # The worker's routine lines (tasks registered, a task run every minute) would bury the address.
    logging.getLogger("huey").setLevel(logging.WARNING)
    autodiscover_modules("tasks")  # what run_huey does: register every app's tasks with this consumer
    consumer = HUEY.create_consumer(
        workers=2, worker_type="thread", periodic=True, check_worker_health=False, shutdown_timeout=3
    )
    consumer.start()  # threads in this process; runserver below keeps the main thread
    # The consumer takes SIGINT and SIGTERM for a loop of its own, which the demo never runs (runserver has
    # the main thread): give both back, so that Ctrl-C and a plain kill stop the server and then the worker.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    url = f"http://127.0.0.1:{args.port}/"
    threading.Thread(target=_announce_when_answering, args=(url, started), daemon=True).start()
    try:  # runserver turns Ctrl-C (and so SIGTERM) into a clean exit
        call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False, use_threading=True)
    finally:
        print("\n连心 demo: stopping the server and the worker…", flush=True)
        consumer.stop(graceful=True)  # the task in hand may finish, for at most shutdown_timeout seconds
    return 0


def _static_sources() -> str:
    """A fingerprint of every static source file the finders see: its name, size and modification time."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256(
        settings.STORAGES["staticfiles"]["BACKEND"].encode()
    )  # another storage: collect again
    for finder in get_finders():
        for path, storage in sorted(finder.list(["CVS", ".*", "*~"]), key=lambda found: found[0]):
            st = Path(storage.path(path)).stat()
            digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _collect_static() -> None:
    """collectstatic, unless nothing changed since the last time. Collecting hashes and compresses some 1,300
    files (ECharts, the admin's, the API docs'): half a minute, minutes on a busy machine, which every start
    of the demo or the server would otherwise spend again. Any file added, removed, resized or touched since
    (an upgrade, a new release of a library) makes it collect again."""
    from django.conf import settings
    from django.core.management import call_command

    stamp = Path(settings.STATIC_ROOT) / ".lianxin-sources"
    sources = _static_sources()
    if stamp.exists() and stamp.read_text() == sources:  # written only after a collection that finished
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(sources)


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _step(started: float, step: str, what: str) -> None:
    """One line of the demo's progress, with the seconds since it started: a first start takes minutes."""
    print(f"连心 demo [{step}] {what} … {time.monotonic() - started:.0f} s", flush=True)


def _announce_when_answering(url: str, started: float) -> None:
    """Print the address once the server answers a request (not merely accepts a connection), so that it is
    the last thing on screen, set apart, and opening it works. A daemon thread: it waits as long as it takes."""
    import urllib.error
    import urllib.request

    login = url + "accounts/login/"
    while True:
        try:
            with urllib.request.urlopen(login, timeout=30) as answer:  # noqa: S310 (http://127.0.0.1, ours)
                answer.read()
            break
        except urllib.error.HTTPError:
            break  # an answer all the same
        except OSError:
            time.sleep(0.3)
    rule = "=" * 64
    print(
        f"\n{rule}\n  连心 demo: {url}\n  ready after {time.monotonic() - started:.0f} s; "
        f"worker running in-process; Ctrl-C stops both\n{rule}\n",
        flush=True,
    )


SHARED_CACHE = "dbcache://lianxin_cache"
UPGRADE_UNITS = ("lianxin-web", "lianxin-worker", "lianxin-scheduler")  # as `manage deploy_files` names them


def migrate(_: argparse.Namespace) -> int:
    """Schema changes as the owner (DATABASE_OWNER_URL, else DATABASE_URL), then the grants to the application
    role: the one command that changes the database's shape (lianxin/ops/database.py)."""
    os.environ["LIANXIN_AS_OWNER"] = "true"
    os.environ.setdefault("CACHE_URL", SHARED_CACHE)  # the table `lianxin serve` will count rate limits in
    _setup()
    from lianxin.ops.database import migrate_as_owner

    migrate_as_owner(print)
    return 0


def _refuse_unless_ready(what: str) -> None:
    """Exit (status 2) when the database needs `lianxin migrate`: serve and worker never change its shape."""
    from lianxin.ops.database import not_ready, owns_tables

    if problems := not_ready():
        lines = [f"lianxin {what}: the database is not ready:", *(f"  - {p}" for p in problems[:20])]
        if len(problems) > 20:
            lines.append(f"  … and {len(problems) - 20} more")
        lines.append("Run `lianxin migrate` first (as the owner: DATABASE_OWNER_URL), then start again.")
        print("\n".join(lines), file=sys.stderr, flush=True)
        raise SystemExit(2)
    if owns_tables():
        print(
            f"lianxin {what}: WARNING: DATABASE_URL's role owns the tables (or is a superuser), so the audit "
            "trail's triggers do not bind it; see docs/operations.md, Database roles.",
            file=sys.stderr,
            flush=True,
        )


def serve(args: argparse.Namespace) -> int:
    """Production: refuse without explicit keys or with a migration not applied, collect static files, then
    hand the process to gunicorn. It never migrates: that is `lianxin migrate`, as the owner.

    Rate limits count in the default cache, which every gunicorn worker must share: without CACHE_URL the
    workers (which inherit this environment) use the database cache instead of a memory of their own.
    """
    from lianxin.ops.startkeys import require_explicit_keys

    require_explicit_keys("serve")
    os.environ.setdefault("CACHE_URL", SHARED_CACHE)
    _setup()
    _claim_var_dir()
    _refuse_unless_ready("serve")
    _collect_static()
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", args.bind]
    gunicorn += ["--workers", str(args.workers), "--access-logfile", "-"]
    os.execv(sys.executable, gunicorn)  # noqa: S606 - the process becomes gunicorn
    return 0  # not reached


def worker(args: argparse.Namespace) -> int:
    """The huey consumer. SIGTERM (systemd's stop, a plain kill) stops it gracefully: the tasks in hand finish.
    ``--no-periodic``: run queued tasks only, for every worker but the one scheduler of a deployment."""
    from lianxin.ops.startkeys import require_explicit_keys

    require_explicit_keys("worker")
    _setup()
    _claim_var_dir()
    _refuse_unless_ready("worker")
    from django.core.management import call_command

    from lianxin.intake.warm import start as intake_warm

    intake_warm()  # the intake's suggestions (kept with each recorded demand) need not wait for the model

    options: dict[str, object] = {"graceful_signal": "TERM"}
    if args.no_periodic:
        options["periodic"] = False
    if args.workers:
        options["workers"] = args.workers
    call_command("run_huey", **options)
    return 0


def backup(args: argparse.Namespace) -> int:
    """One archive of the database, the stored files and a manifest (``lianxin manage backup``), read as the
    tables' owner when DATABASE_OWNER_URL is set."""
    os.environ["LIANXIN_AS_OWNER"] = "true"
    return manage(["backup", *(["--out", args.out] if args.out else [])])


def restore(args: argparse.Namespace) -> int:
    """An archive back into an empty database and file store (``lianxin manage restore``), as the owner."""
    os.environ["LIANXIN_AS_OWNER"] = "true"
    return manage(["restore", args.archive, *(["--force"] if args.force else [])])


def static(_: argparse.Namespace) -> int:
    """Collect the static files now (the upgrade's step), leaving the stamp ``serve`` reads, so the web's
    restart after it does not collect them a second time."""
    _setup()
    _collect_static()
    return 0


def upgrade(args: argparse.Namespace) -> int:
    """check → backup → migrate (as the owner) → static files → restart the units (lianxin/ops/upgrade.py)."""
    from lianxin.ops import upgrade as steps

    plan = steps.plan(
        backup=not args.no_backup, backup_dir=args.backup_dir, restart=not args.no_restart, units=args.units
    )
    return steps.run(plan)


def manage(rest: Sequence[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lianxin manage", *rest])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["manage"]:
        return manage(argv[1:])
    parser = argparse.ArgumentParser(
        prog="lianxin", description="Lianxin (连心) — deputies online, 365 days."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="create or update the demo town, then serve it with the worker")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="stop once the data is in place")
    p.add_argument("--scale", type=int, default=1, help="towns to generate (benchmarks)")
    p.set_defaults(func=demo)
    p = sub.add_parser("migrate", help="apply migrations as the owner, then grant the application role")
    p.set_defaults(func=migrate)
    p = sub.add_parser("serve", help="production server (gunicorn)")
    p.add_argument("--bind", default=os.environ.get("LIANXIN_BIND", "127.0.0.1:8000"))
    p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
    p.set_defaults(func=serve)
    p = sub.add_parser("worker", help="background worker (huey)")
    p.add_argument("--no-periodic", action="store_true", help="leave the periodic tasks to the scheduler")
    p.add_argument("--workers", type=int, default=0, help="threads running tasks (default: HUEY_WORKERS)")
    p.set_defaults(func=worker)
    p = sub.add_parser("backup", help="one archive of the database and the stored files, while serving")
    p.add_argument("--out", help="directory for the archive (default: var/backups or LIANXIN_BACKUP_DIR)")
    p.set_defaults(func=backup)
    p = sub.add_parser("restore", help="an archive into an empty database and file store, then verified")
    p.add_argument("archive")
    p.add_argument("--force", action="store_true", help="replace a database or file store that is not empty")
    p.set_defaults(func=restore)
    p = sub.add_parser("upgrade", help="after installing a release: check, back up, migrate, static, restart")
    p.add_argument("--no-backup", action="store_true", help="skip the backup (one was just taken)")
    p.add_argument(
        "--backup-dir", help="directory for the archive (default: var/backups or LIANXIN_BACKUP_DIR)"
    )
    p.add_argument("--no-restart", action="store_true", help="restart the processes yourself")
    p.add_argument("--units", nargs="+", default=list(UPGRADE_UNITS), help="systemd units to restart")
    p.set_defaults(func=upgrade)
    p = sub.add_parser("static", help="collect the static files (only when a source changed)")
    p.set_defaults(func=static)
    sub.add_parser("manage", help="any Django management command")
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
