"""Restart PostgreSQL in the middle of a load run and check that nothing answered as saved is lost.

Several users tick distinct questions (studied=1) through gunicorn while PostgreSQL is
restarted. Afterwards: how long the site took to answer again, how failed requests were
answered (a clean error page, never a hang), and whether every tick answered with success is
in the table.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from tests.http import Browserish


def run_faults(
    base: str, slugs: list[str], restart, users: int = 4, duration: float = 20.0, restart_at: float = 5.0
) -> dict:
    from django.contrib.auth.models import User
    from django.db import connection

    from progress.models import StudiedMark

    password = "fault test password 123"
    names = [f"fault{n}" for n in range(users)]
    User.objects.filter(username__in=names).delete()
    for name in names:
        User.objects.create_user(name, f"{name}@example.org", password)
    connection.close()

    results: list[tuple[str, str, int, float, str]] = []
    lock = threading.Lock()
    start = time.monotonic()

    def worker(name: str) -> None:
        client = Browserish(base)
        assert client.post("/accounts/login/", {"username": name, "password": password})[0] == 302
        index = 0
        while time.monotonic() - start < duration:
            slug = slugs[index % len(slugs)]
            index += 1
            try:
                status, body, _ = client.post(f"/questions/{slug}/studied/", {"studied": "1"}, htmx=True)
            except OSError as error:  # connection refused or reset: counted, not fatal
                status, body = 0, str(error)
            with lock:
                results.append((name, slug, status, time.monotonic() - start, body[:2000]))
            time.sleep(0.02)

    restart_window: dict = {}

    def restarter() -> None:
        time.sleep(restart_at)
        restart_window["from"] = time.monotonic() - start
        restart()
        restart_window["to"] = time.monotonic() - start

    with ThreadPoolExecutor(max_workers=users + 1) as pool:
        pool.submit(restarter)
        list(pool.map(worker, names))

    ok = [r for r in results if r[2] == 200]
    failed = [r for r in results if r[2] != 200]
    first_ok_after = min((r[3] for r in ok if r[3] > restart_window["to"]), default=None)
    saved = set(StudiedMark.objects.filter(user__username__in=names).values_list("user__username", "question__slug"))
    lost = sorted({(r[0], r[1]) for r in ok} - saved)
    error_pages = [r for r in failed if r[2] >= 500]
    clean = all("Something went wrong" in r[4] for r in error_pages)
    return {
        "requests": len(results),
        "succeeded": len(ok),
        "failed": len(failed),
        "failed_by_status": {str(s): sum(1 for r in failed if r[2] == s) for s in sorted({r[2] for r in failed})},
        "restart_seconds": round(restart_window["to"] - restart_window["from"], 2),
        "recovered_seconds_after_restart": round(first_ok_after - restart_window["to"], 2) if first_ok_after else None,
        "ticks_answered_ok": len({(r[0], r[1]) for r in ok}),
        "ticks_lost": len(lost),
        "error_pages_clean": clean,
    }
