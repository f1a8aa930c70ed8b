"""The start script the container runs, run directly: migrate, load content, serve with
gunicorn under production settings; and two app servers sharing one database."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.http import Browserish, counter, free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent


def database_url(tmp_path: Path) -> str:
    """The PostgreSQL database the suite was pointed at, or a fresh SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if connection.vendor == "postgresql" and url:
        return url
    return f"sqlite:///{tmp_path / 'site.db'}"


def start(tmp_path: Path, db_url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DEBUG": "0",
        "SECRET_KEY": "start-script-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DATABASE_URL": db_url,
        "STATIC_ROOT": str(tmp_path / "static"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "",
        # The database may outlive this run, and with it the sign-ups counted for 127.0.0.1.
        "SIGNUPS_PER_HOUR_PER_CLIENT": "1000",
    }
    log = open(tmp_path / f"server-{port}.log", "w")
    process = subprocess.Popen([str(ROOT / "bin" / "start")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", process)
    except Exception:
        stop(process)
        raise AssertionError((tmp_path / f"server-{port}.log").read_text()[-3000:]) from None
    return process, base


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def test_the_start_script_serves_the_site_with_production_settings(tmp_path, transactional_db):
    process, base = start(tmp_path, database_url(tmp_path))
    try:
        client = Browserish(base)
        status, page, headers = client.get("/topics/ml-breadth/")
        assert status == 200
        assert counter(page) == "0 / 67"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        css = page.split('rel="stylesheet" href="')[1].split('"')[0]
        assert css.startswith("/static/css/site.") and css.endswith(".css")  # hashed by the manifest
        assert client.get(css)[0] == 200
        client.sign_up(f"operator-{uuid.uuid4().hex[:8]}")  # the database may outlive this run
        question = "/questions/kv-cache/studied/"
        assert client.post(question, {"studied": "1", "next": "/topics/ml-breadth/"})[0] == 302
        assert counter(client.get("/topics/ml-breadth/")[1]) == "1 / 67"
        assert client.get("/no-such-page/")[0] == 404
    finally:
        stop(process)


@pytest.mark.postgres
def test_two_app_servers_serve_one_user_consistently(tmp_path, transactional_db):
    first, base_a = start(tmp_path, database_url(tmp_path))
    second, base_b = start(tmp_path, database_url(tmp_path))
    try:
        client = Browserish(base_a)
        client.sign_up(f"roamer-{uuid.uuid4().hex[:8]}")
        # The same session cookie is valid on both servers: the app keeps no state in the process.
        for n, base in enumerate([base_a, base_b, base_a, base_b]):
            slug = ["kv-cache", "attention-variants", "rnns-where-they-fit", "long-context-transformers"][n]
            status, _, _ = client.post(f"/questions/{slug}/studied/", {"studied": "1"}, htmx=True, base=base)
            assert status == 200
            assert counter(client.get("/topics/ml-breadth/", base=base_a)[1]) == f"{n + 1} / 67"
            assert counter(client.get("/topics/ml-breadth/", base=base_b)[1]) == f"{n + 1} / 67"
        # Each process serves the content from memory; an edit made elsewhere reaches both at
        # their next request.
        for base in (base_a, base_b):
            assert "What is the KV cache" in client.get("/topics/ml-breadth/", base=base)[1]
        retitle(database_url(tmp_path), "kv-cache", "A question retitled elsewhere?")
        for base in (base_a, base_b):
            page = client.get("/topics/ml-breadth/", base=base)[1]
            assert "A question retitled elsewhere?" in page and counter(page) == "4 / 67"
    finally:
        stop(first)
        stop(second)
        retitle(database_url(tmp_path), "kv-cache", None)  # the database outlives this run


def retitle(db_url: str, slug: str, title: str | None) -> None:
    """Change a question's title in another process, as an editor in the admin would (None:
    load the shipped content again, which restores it)."""
    env = {**os.environ, "DATABASE_URL": db_url}
    if title is None:
        command = ["load_content", "fixtures/content/", "--progress", "never"]
    else:
        code = f"from topics.models import Question; q = Question.objects.get(slug={slug!r}); q.title = {title!r}; q.save()"
        command = ["shell", "-c", code]
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
