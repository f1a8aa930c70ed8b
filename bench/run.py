"""`make bench`: serve the site with gunicorn on PostgreSQL, load it with wrk, print figures.

Steps: a fresh benchmark database (PostgreSQL; a local server is started when DATABASE_URL is
unset), the content, 10,000 users and 1,000,000 studied marks, a benchmark user with about a
third of ML Breadth ticked; gunicorn with the production settings plus the benchmark's reference
pages (bench/settings.py) and the same gunicorn.conf.py as the container; wrk at a fixed
concurrency after a warm-up, for the ML Breadth topic page (logged in), /questions/ filtered by a
path and a difficulty, a question page and the HTMX tick, each measured between two runs of the
floor: a logged-in page that only reads the session and its user (bench/urls.py), the least any
logged-in request costs on this stack. Each ratio is to the floor's runs either side; /healthz
(no session) and the site's layout around no content are measured the same way, for
information. Each page's CPU per request is also measured in-process. Then the topic page served
from the full table and, at the same time, from a copy of the database whose progress table holds
only the benchmark user's marks. Figures are printed as tables and written to
bench-results/bench.json. Nothing here asserts: it measures.
"""

import argparse
import contextlib
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.http import Browserish, free_port, wait_for  # noqa: E402

BENCH_DB = "prepsite_bench"
USERS = 10_000
MARKS = 1_000_000
SECRET = "benchmark-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"
PASSWORD = "benchmark password 123"
# Each page's throughput over the floor's: the session-only reference page (bench/urls.py), which
# goes through the middleware and reads the session and its user, served by the same server.
GOALS = {"topic": 0.5, "filtered": 0.5, "question": 0.5, "tick": 0.5}
FLOOR = "/bench/session-only"


def sh(*args: str, env: dict | None = None, quiet: bool = True) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def database_url(fresh: bool) -> str:
    """DATABASE_URL, or the benchmark database on the machine's PostgreSQL, started here. `fresh`
    drops and recreates it; otherwise it is kept (its scale data with it) and made only if missing."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    if not shutil.which("pg_ctlcluster"):
        sys.exit("make bench needs PostgreSQL: set DATABASE_URL, or install it (apt-get install postgresql).")
    sh(str(ROOT / "bin" / "postgres"))
    if fresh:
        sh("su", "postgres", "-c", f"dropdb --if-exists {BENCH_DB}")
    exists = sh("su", "postgres", "-c", f"psql -tAc \"SELECT 1 FROM pg_database WHERE datname = '{BENCH_DB}'\"")
    if not exists.strip():
        sh("su", "postgres", "-c", f"createdb -O prepsite {BENCH_DB}")
    return f"postgres://prepsite:prepsite@127.0.0.1:5432/{BENCH_DB}"


def site_env(db_url: str, **extra: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "GUNICORN_ACCESS_LOG": "",
        "LOGIN_FAILURE_LIMIT": "1000",
        **extra,
    }


def django_setup(env: dict) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def generate_scale_data() -> dict:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.db import connection

    from progress.models import StudiedMark
    from topics.models import Question

    started = time.monotonic()
    password = make_password(PASSWORD)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE progress_studiedmark")
        cursor.execute("DELETE FROM auth_user WHERE username LIKE 'load%%' OR username = 'bench'")
        cursor.execute(
            """INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                      is_active, date_joined)
               SELECT %s, false, 'load' || n, '', '', 'load' || n || '@example.org', false, true, now()
               FROM generate_series(1, %s) AS n""",
            [password, USERS],
        )
        cursor.execute(
            """INSERT INTO progress_studiedmark (user_id, question_id, created_at)
               SELECT u.id, q.id, now() - (random() * interval '90 days')
               FROM auth_user u CROSS JOIN topics_question q
               WHERE u.username LIKE 'load%%' AND NOT q.archived
               ORDER BY random() LIMIT %s""",
            [MARKS],
        )
        cursor.execute("ANALYZE")
    bench = User.objects.create_user("bench", "bench@example.org", PASSWORD)
    breadth = list(Question.objects.live().filter(section__topic__slug="ml-breadth").order_by("id"))
    for question in breadth[::3]:
        StudiedMark.objects.create(user=bench, question=question)
    return {
        "users": User.objects.count(),
        "marks": StudiedMark.objects.count(),
        "bench_user_marks": StudiedMark.objects.filter(user=bench).count(),
        "seconds": round(time.monotonic() - started, 1),
    }


def queries_per_request(paths: dict[str, tuple[str, str, dict]]) -> dict[str, int | str]:
    """SQL queries each endpoint runs, counted in-process against the same database. A POST is
    counted both ways, as wrk sends it (studied=1, then studied=0): "4/3"."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bench"))
    counts = {}
    for name, (method, path, data) in paths.items():
        client.get("/healthz")  # settle the session
        if method == "GET":
            client.get(path)  # the process reads the content once per content version; count a warm request
        if method == "GET":
            with CaptureQueriesContext(connection) as context:
                response = client.get(path)
            assert response.status_code == 200, (name, response.status_code)
            counts[name] = len(context.captured_queries)
            continue
        client.post(path, {**data, "studied": "0"}, HTTP_HX_REQUEST="true")  # start from not studied
        both = []
        for studied in ("1", "0"):
            with CaptureQueriesContext(connection) as context:
                response = client.post(path, {**data, "studied": studied}, HTTP_HX_REQUEST="true")
            assert response.status_code == 200, (name, response.status_code)
            both.append(str(len(context.captured_queries)))
        counts[name] = "/".join(both)
    return counts


def settle_database(own_server: bool) -> None:
    """Vacuum and analyze the marks after a bulk write and flush what it wrote (a checkpoint), so
    that PostgreSQL's background work on them does not run during the next measurement."""
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) progress_studiedmark")
        try:
            cursor.execute("CHECKPOINT")
            return
        except DatabaseError:  # the role may not checkpoint; the server's owner can, when it is ours
            pass
    if own_server:
        sh("su", "postgres", "-c", "psql -q -c CHECKPOINT")


def restart_postgres() -> None:
    version = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: [int(p) for p in v.split(".")])[-1]
    subprocess.run(["pg_ctlcluster", version, "main", "restart", "-m", "fast"], check=True)


def worker_rss(master_pid: int) -> list[float]:
    """Peak resident memory (VmHWM) of each gunicorn worker, in MB."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            match = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
            if match:
                peaks.append(int(match.group(1)) / 1024)
    return sorted(peaks)


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of all cores, from /proc/stat."""
    # user nice system idle iowait irq softirq steal (guest time is already in user)
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = fields[3] + fields[4] + fields[7]  # idle, iowait, and time the host gave to others
    return sum(fields) - idle, sum(fields)


def cores_busy(before: tuple[int, int], after: tuple[int, int]) -> float:
    """How many cores were busy between two cpu_times() readings: near the core count means the
    load was bound by CPU; well below it, by waiting (connections, the database)."""
    return round(os.cpu_count() * (after[0] - before[0]) / (after[1] - before[1]), 2)


def process_cpu(app_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the app server (gunicorn's master and its workers) and by
    PostgreSQL's processes, each counting the children it has already reaped, so that a worker
    recycled during a run is not lost."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {"app": 0.0, "postgres": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        pid = int(stat.parent.name)
        command = text[text.index("(") + 1 : text.rindex(")")]
        # Fields after the command: state ppid ... utime stime cutime cstime (14th-17th of stat).
        fields = text[text.rindex(")") + 2 :].split()
        ppid, own, reaped = int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])
        if pid == app_pid:
            used["app"] += (own + reaped) / ticks
        elif ppid == app_pid:
            used["app"] += own / ticks
        elif command == "postgres":
            used["postgres"] += (own + reaped) / ticks
    return used


def children_cpu() -> float:
    """CPU seconds of this process's reaped children (wrk runs as one)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_wrk(
    base: str, path: str, seconds: int, connections: int, headers: list[str], script: Path, env: dict | None = None
) -> dict:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "-s", str(script), "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(command + [base + path], capture_output=True, text=True, env=env).stdout
    match = re.search(r"^BENCH (\{.*\})$", output, re.M)
    if not match:
        sys.exit(f"wrk printed no figures:\n{output}")
    return json.loads(match.group(1))


@contextlib.contextmanager
def serve(server_env: dict, log_path: Path):
    """gunicorn with gunicorn.conf.py on a free port, as deployed; yields (base URL, process)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "a") as log:
        server = subprocess.Popen(
            [server_env["PYTHON"], "-m", "gunicorn", "--config", "gunicorn.conf.py", "prepsite.wsgi:application"],
            cwd=ROOT,
            env=dict(server_env, BIND=f"127.0.0.1:{port}"),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            wait_for(base + "/healthz", server)
            yield base, server
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def log_in(base: str) -> tuple[list[str], list[str]]:
    """Log the benchmark user in through the login form: (headers for a page, headers for a tick)."""
    client = Browserish(base)
    status, _, _ = client.post("/accounts/login/", {"username": "bench", "password": PASSWORD})
    assert status == 302, f"benchmark login failed: {status}"
    cookies = {cookie.name: cookie.value for cookie in client.jar}
    cookie = f"Cookie: sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"
    tick_headers = [
        cookie,
        f"X-CSRFToken: {cookies['csrftoken']}",
        "HX-Request: true",
        "Content-Type: application/x-www-form-urlencoded",
    ]
    return [cookie], tick_headers


def measure_endpoint(server, base, name, path, headers, script, wrk_env, args) -> dict:
    """wrk on one endpoint after a warm-up, with where the machine's CPU went meanwhile."""
    run_wrk(base, path, args.warmup, args.connections, headers, script, wrk_env)
    machine_before = cpu_times()
    processes_before, wrk_before = process_cpu(server.pid), children_cpu()
    figures = run_wrk(base, path, args.seconds, args.connections, headers, script, wrk_env)
    machine_after = cpu_times()
    processes_after, wrk_after = process_cpu(server.pid), children_cpu()
    # Where the machine's CPU went, in milliseconds per request: the app server,
    # PostgreSQL, the load generator, and the rest (mostly the kernel's network work).
    per_request = 1000 / max(figures["requests"], 1)
    spent = {key: max(processes_after[key] - processes_before[key], 0.0) for key in processes_after}
    spent["wrk"] = wrk_after - wrk_before
    spent["other"] = (machine_after[0] - machine_before[0]) / os.sysconf("SC_CLK_TCK") - sum(spent.values())
    figures["cpu_ms_per_request"] = {key: round(value * per_request, 3) for key, value in spent.items()}
    figures["cores_busy"] = cores_busy(machine_before, machine_after)
    print(f"  {name:<18} {figures['rps']:>8.1f} req/s  {figures['cores_busy']:.2f} cores busy", flush=True)
    return figures


def paired_with_floor(measure, endpoints, floor_headers) -> tuple[dict, list[dict]]:
    """Each endpoint measured between two runs of the floor (the session-only page), with its
    ratio to their mean: the machine's speed drifts during a run. Returns the endpoints' figures
    and the floor's runs."""
    results, floors = {}, [measure("floor", FLOOR, floor_headers)]
    for key, path, headers, script in endpoints:
        figures = measure(key, path, headers, script)
        floors.append(measure("floor", FLOOR, floor_headers))
        either_side = [floors[-2]["rps"], floors[-1]["rps"]]
        figures["floor_rps_either_side"] = either_side
        figures["ratio_to_floor"] = round(figures["rps"] / statistics.mean(either_side), 3)
        results[key] = figures
    return results, floors


def cpu_per_request(paths: dict[str, tuple[str, str, dict]], requests: int = 300) -> dict[str, float]:
    """Milliseconds of this process's CPU per request of each endpoint, served in-process by
    Django's test client (no network, no server): what the code costs, apart from the machine's
    other work. The median of five batches."""
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bench"))
    spent = {}
    for name, (method, path, data) in paths.items():
        if method == "GET":
            request = lambda: client.get(path)  # noqa: E731
        else:
            flips = iter(range(10**9))
            request = lambda: client.post(  # noqa: E731
                path, {**data, "studied": str(next(flips) % 2)}, HTTP_HX_REQUEST="true"
            )
        for _ in range(20):
            request()
        batches = []
        for _ in range(5):
            started = time.process_time()
            for _ in range(requests // 5):
                request()
            batches.append((time.process_time() - started) * 1000 / (requests // 5))
        spent[name] = round(statistics.median(batches), 3)
    return spent


def marks_vs_empty(pairs: list[tuple[float, float]]) -> float:
    """Throughput with the full table over throughput with the small one, from (full, small)
    pairs measured at the same time: the median of the rounds, as one round can land on a
    stretch where one server's workers were scheduled less."""
    if not pairs:
        raise ValueError("no rounds measured")
    return statistics.median(full / small for full, small in pairs)


@contextlib.contextmanager
def maintenance(db_url: str):
    """An autocommit connection to the `postgres` database of the server at `db_url`, and that
    URL's database name: databases are created and dropped from there."""
    import psycopg

    parts = urlsplit(db_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        yield admin, parts.path.lstrip("/")


def copy_database(db_url: str, name: str) -> str:
    """A fresh copy of the database at `db_url` (which nothing may be connected to), named `name`;
    returns its URL."""
    import psycopg
    from psycopg import sql

    with maintenance(db_url) as (admin, source):
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        deadline = time.monotonic() + 10  # a server that just stopped may hold a connection for a moment
        while True:
            try:
                admin.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(source))
                )
                break
            except psycopg.errors.ObjectInUse:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    return urlunsplit(urlsplit(db_url)._replace(path=f"/{name}"))


def drop_database(db_url: str) -> None:
    from psycopg import sql

    with maintenance(db_url) as (admin, name):
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def compare_with_empty_table(server_env: dict, db_url: str, log_path: Path, script: Path, args) -> tuple[int, list]:
    """The topic page from the benchmark database and, at the same moment, from a copy whose
    progress table holds only the benchmark user's marks: both pages show the same, and the
    machine's speed, which drifts by more than 10% within minutes, changes both servers alike.
    Returns the marks in the full table and, per round, both servers' figures."""
    import psycopg
    from django.db import connection

    connection.close()  # a database is copied only while nothing is connected to it
    copy_url = copy_database(db_url, f"{urlsplit(db_url).path.lstrip('/')}_small")
    try:
        with psycopg.connect(copy_url, autocommit=True) as small:
            small.execute(
                "DELETE FROM progress_studiedmark WHERE user_id <> (SELECT id FROM auth_user WHERE username = 'bench')"
            )
            small.execute("VACUUM (FULL, ANALYZE) progress_studiedmark")
        with psycopg.connect(db_url) as full:
            marks = full.execute("SELECT count(*) FROM progress_studiedmark").fetchone()[0]
        half = max(args.connections // 2, 1)
        print(
            f"The topic page, {marks:,} marks and only the user's marks, served at the same time ({half} connections each):"
        )
        with (
            serve(server_env, log_path) as (full_base, _),
            serve(dict(server_env, DATABASE_URL=copy_url), log_path) as (small_base, _),
        ):
            sides = {"full": (full_base, log_in(full_base)[0]), "small": (small_base, log_in(small_base)[0])}

            def both(seconds: int) -> dict:
                with ThreadPoolExecutor(2) as pool:
                    runs = {
                        side: pool.submit(run_wrk, base, "/topics/ml-breadth/", seconds, half, headers, script)
                        for side, (base, headers) in sides.items()
                    }
                    return {side: run.result() for side, run in runs.items()}

            both(args.warmup)
            rounds = []
            for round_ in range(1, args.rounds + 1):
                machine_before = cpu_times()
                pair = both(args.seconds)
                busy = cores_busy(machine_before, cpu_times())
                for figures in pair.values():
                    figures["cores_busy"] = busy
                print(f"  round {round_}: {pair['full']['rps']:.1f} and {pair['small']['rps']:.1f} req/s", flush=True)
                rounds.append(pair)
        return marks, rounds
    finally:
        drop_database(copy_url)


def print_row(label: str, figures: dict, queries: int | str = "", ratio: float | None = None, end: str = "\n") -> None:
    shown = "–" if ratio is None else f"{ratio:.2f}"
    print(
        f"{label:<52} {figures['rps']:>8.1f} {figures['p50_ms']:>8.2f} {figures['p99_ms']:>8.2f} "
        f"{figures['non_2xx'] + figures['socket_errors']:>8} {queries:>8} {figures['cores_busy']:>6.2f} {shown:>6}",
        end=end,
    )


def combined(runs: list[dict]) -> dict:
    """Several runs of one endpoint as one row: mean throughput and CPU, median latencies."""
    spent = {
        key: statistics.mean(run["cpu_ms_per_request"][key] for run in runs) for key in runs[0]["cpu_ms_per_request"]
    }
    return {
        "rps": statistics.mean(run["rps"] for run in runs),
        "p50_ms": statistics.median(run["p50_ms"] for run in runs),
        "p99_ms": statistics.median(run["p99_ms"] for run in runs),
        "non_2xx": sum(run["non_2xx"] for run in runs),
        "socket_errors": sum(run["socket_errors"] for run in runs),
        "cores_busy": statistics.mean(run["cores_busy"] for run in runs),
        "cpu_ms_per_request": spent,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per endpoint")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up seconds per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--worker-class", help="gunicorn worker class (default: gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, help="threads per worker (gthread)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the topic page, full table vs small")
    parser.add_argument(
        "--no-reference",
        dest="reference",
        action="store_false",
        help="skip /healthz and the empty layout page (the floor is always measured)",
    )
    parser.add_argument("--skip-data", action="store_true", help="reuse the data of the previous run")
    parser.add_argument(
        "--faults", action="store_true", help="restart PostgreSQL under load instead of measuring throughput"
    )
    parser.add_argument("--output", default=str(ROOT / "bench-results" / "bench.json"))
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if not shutil.which("wrk"):
        sys.exit("make bench needs wrk (apt-get install wrk).")

    own_server = not os.environ.get("DATABASE_URL")  # the machine's PostgreSQL, started here
    # The fault test needs no scale data, so it keeps the database that a benchmark run left.
    db_url = database_url(fresh=not (args.skip_data or args.faults))
    python = sys.executable
    env = site_env(db_url, STATIC_ROOT=tempfile.mkdtemp(prefix="bench-static-"))
    print("Preparing: migrate, load content, collect static files …", flush=True)
    sh(python, "manage.py", "migrate", "--noinput", env=env)
    sh(python, "manage.py", "load_content", "fixtures/content/", "--progress", "never", env=env)
    sh(python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0", env=env)
    django_setup(env)
    data = None
    if not args.skip_data and not args.faults:
        print(f"Generating {USERS:,} users and {MARKS:,} studied marks …", flush=True)
        data = generate_scale_data()
        print(f"  done in {data['seconds']} s: {data['marks']:,} marks", flush=True)

    from django.contrib.auth.models import User

    from topics.models import Question

    if not args.faults and not User.objects.filter(username="bench").exists():
        sys.exit("The benchmark database has no scale data: run without --skip-data first.")
    slugs = list(Question.objects.live().filter(section__topic__slug="ml-breadth").values_list("slug", flat=True)[:20])
    filtered = "/questions/?path=ml-engineer&difficulty=hard"
    question = f"/questions/{slugs[1]}/"
    endpoints = {
        "floor": ("GET", FLOOR, {}),
        "healthz": ("GET", "/healthz", {}),
        "topic": ("GET", "/topics/ml-breadth/", {}),
        "filtered": ("GET", filtered, {}),
        "question": ("GET", question, {}),
        "tick": (
            "POST",
            f"/questions/{slugs[0]}/studied/",
            {"studied": "1", "next": "/topics/ml-breadth/", "page": "topic:ml-breadth"},
        ),
    }
    queries = {} if args.faults else queries_per_request(endpoints)
    in_process = {} if args.faults else cpu_per_request(endpoints)

    # The site's own settings, with the reference pages added (bench/settings.py): the floor is
    # served by the same server as the pages it is compared with.
    server_env = dict(env, PYTHON=python, DJANGO_SETTINGS_MODULE="bench.settings")
    if args.workers:
        server_env["WEB_CONCURRENCY"] = str(args.workers)
    if args.worker_class:
        server_env["GUNICORN_WORKER_CLASS"] = args.worker_class
    if args.threads:
        server_env["GUNICORN_THREADS"] = str(args.threads)
    log_path = Path(args.output).with_name("gunicorn.log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_text("")

    if args.faults:
        with serve(server_env, log_path) as (base, _):
            from bench.faults import run_faults

            figures = run_faults(base, slugs, restart_postgres)
        for key, value in figures.items():
            print(f"  {key:<34} {value}")
        verdict = (
            figures["ticks_lost"] == 0
            and figures["error_pages_clean"]
            and figures["recovered_seconds_after_restart"] is not None
        )
        print(f"\n  [{'met' if verdict else 'MISSED'}] recovers by itself, clean error pages, no answered tick lost")
        output = Path(args.output).with_name("faults.json")
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(figures, indent=2))
        return

    report = (ROOT / "bench" / "report.lua").read_text()
    get_script = Path(tempfile.mkstemp(suffix=".lua")[1])
    get_script.write_text(report)
    tick_script = Path(tempfile.mkstemp(suffix=".lua")[1])
    tick_script.write_text((ROOT / "bench" / "tick.lua").read_text() + "\n" + report)
    wrk_env = dict(os.environ, BENCH_SLUGS=",".join(slugs))

    def measurer(server, base):
        def measure(name: str, path: str, headers: list[str] = (), script: Path = get_script) -> dict:
            return measure_endpoint(server, base, name, path, list(headers), script, wrk_env, args)

        return measure

    with serve(server_env, log_path) as (base, server):
        logged_in, tick_headers = log_in(base)
        measure = measurer(server, base)
        settle_database(own_server)
        print(f"Load: wrk, {args.connections} connections, {args.warmup} s warm-up + {args.seconds} s per endpoint")
        pages = [
            ("topic", "/topics/ml-breadth/", logged_in, get_script),
            ("filtered", filtered, logged_in, get_script),
            ("question", question, logged_in, get_script),
            ("tick", "/", tick_headers, tick_script),
        ]
        if args.reference:
            pages += [
                ("healthz", "/healthz", [], get_script),
                ("empty_page", "/bench/empty-page", logged_in, get_script),
            ]
        results, results["floor_runs"] = paired_with_floor(measure, pages, logged_in)

        rss = worker_rss(server.pid)

    marks_before, comparison = compare_with_empty_table(server_env, db_url, log_path, get_script, args)

    floor = combined(results["floor_runs"])
    rows = [
        ("GET the floor: session-only page (mean of the runs)", floor, "floor"),
        ("GET /topics/ml-breadth/", results["topic"], "topic"),
        (f"GET {filtered}", results["filtered"], "filtered"),
        ("GET a question page", results["question"], "question"),
        ("POST tick (HTMX)", results["tick"], "tick"),
    ]
    if args.reference:
        rows += [
            ("GET /healthz (no session: for information)", results["healthz"], "healthz"),
            ("GET the site layout around no content", results["empty_page"], "empty_page"),
        ]
    healthz_rps = results["healthz"]["rps"] if args.reference else None
    print()
    print(
        f"{'endpoint':<52} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'queries':>8} {'cores':>6} "
        f"{'floor':>6} {'healthz':>7} {'in-proc ms':>10}"
    )
    for label, figures, key in rows:
        print_row(label, figures, queries.get(key, ""), figures.get("ratio_to_floor", 1.0), end=" ")
        to_healthz = f"{figures['rps'] / healthz_rps:.2f}" if healthz_rps else "–"
        cpu = f"{in_process[key]:.2f}" if key in in_process else "–"
        print(f"{to_healthz:>7} {cpu:>10}")
    for round_, pair in enumerate(comparison, 1):
        print_row(f"GET /topics/ml-breadth/, {marks_before:,} marks ({round_})", pair["full"], queries["topic"])
        print_row(f"GET /topics/ml-breadth/, only the user's marks ({round_})", pair["small"], queries["topic"])
    floor_rps = ", ".join(f"{run['rps']:.0f}" for run in results["floor_runs"])
    print(f"  floor runs, req/s: {floor_rps}")
    print(
        "  'floor' is the ratio to the mean of the floor's runs just before and just after the endpoint; "
        "'healthz' to /healthz (no session), for information; 'in-proc ms' is Django's CPU per request "
        "served in-process."
    )
    print()
    print("Machine CPU per request, ms (app server, PostgreSQL, wrk, the rest: mostly the kernel's network work)")
    print(f"{'endpoint':<52} {'app':>7} {'postgres':>9} {'wrk':>7} {'rest':>7} {'total':>7}")
    for label, figures, _ in rows:
        spent = figures["cpu_ms_per_request"]
        print(
            f"{label:<52} {spent['app']:>7.3f} {spent['postgres']:>9.3f} {spent['wrk']:>7.3f} {spent['other']:>7.3f} "
            f"{sum(spent.values()):>7.3f}"
        )
    topic_vs_empty = marks_vs_empty([(pair["full"]["rps"], pair["small"]["rps"]) for pair in comparison])
    print()
    print(f"Marks in the table during the run: {marks_before:,}")
    print(
        f"Topic page with {marks_before:,} marks vs a table holding only its user's marks (served at the same "
        f"time, median of {args.rounds} rounds): {topic_vs_empty:.3f} of the small table's throughput"
    )
    print(f"Peak RSS per gunicorn worker (MB): {', '.join(f'{value:.1f}' for value in rss)}")
    measured = [
        *results["floor_runs"],
        *(v for k, v in results.items() if k != "floor_runs"),
        *(pair[side] for pair in comparison for side in ("full", "small")),
    ]
    checks = {
        **{f"{key} >= {goal} x floor": results[key]["ratio_to_floor"] >= goal for key, goal in GOALS.items()},
        "topic with 1M marks within 10% of empty": abs(topic_vs_empty - 1) <= 0.1,
        "zero non-2xx": all(f["non_2xx"] + f["socket_errors"] == 0 for f in measured),
        "worker RSS < 120 MB": bool(rss) and max(rss) < 120,
    }
    print()
    for goal, met in checks.items():
        print(f"  [{'met' if met else 'MISSED'}] {goal}")
    output = Path(args.output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "config": {
                    "connections": args.connections,
                    "seconds": args.seconds,
                    "warmup": args.warmup,
                    "workers": server_env.get("WEB_CONCURRENCY", "default"),
                    "worker_class": server_env.get("GUNICORN_WORKER_CLASS", "sync"),
                    "cpus": os.cpu_count(),
                },
                "data": data,
                "queries_per_request": queries,
                "in_process_cpu_ms_per_request": in_process,
                "results": results,
                "marks_in_table": marks_before,
                "topic_vs_empty": round(topic_vs_empty, 3),
                "topic_vs_empty_rounds": comparison,
                "worker_peak_rss_mb": rss,
                "goals": checks,
            },
            indent=2,
        )
    )
    shown = output.relative_to(ROOT) if output.is_relative_to(ROOT) else output
    print(f"\nFigures written to {shown}")


if __name__ == "__main__":
    main()
