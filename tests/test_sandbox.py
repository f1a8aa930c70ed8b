"""The code sandbox against hostile code, through the real bubblewrap: every case must be stopped
or denied, reported as a readable `error` or as test results that show the denial, and leave no
process behind. Small limits keep the module fast; no database is needed.

Leftovers are looked for among this process's descendants: running a sandbox makes the process a
child subreaper, so every process a run starts stays under it, however it tries to get away (a
zombie counts too). As root, runs get user ids of their own: none may be left with one either."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from coding import sandbox
from tests.conftest import needs

# Every run in the sandbox happens on one test worker, one after another (make test).
pytestmark = pytest.mark.xdist_group("sandbox")

CPU, WALL, MEMORY_MB, OUTPUT, PROCESSES = 2, 4, 256, 100_000, 32
TEST = "def test_it():\n    assert main()\n"
PROBE = "import json\n\ndef test_probe():\n    print(json.dumps(main()))\n"  # main() says what it met
PROJECT = Path(django_settings.BASE_DIR)
ROOT = os.getuid() == 0
# This module's runs take user ids from a slice of their own, so other test runs cannot confuse us.
FIRST_UID = sandbox.RUN_UIDS.start + os.getpid() % 9000 * 10_000
UIDS = range(FIRST_UID, FIRST_UID + 10_000)


@pytest.fixture(scope="module", autouse=True)
def sandbox_ready():
    if not shutil.which(django_settings.SANDBOX_BWRAP):
        needs("bubblewrap", "apt-get install bubblewrap python3-numpy")
    try:
        sandbox.check_available()
    except sandbox.SandboxUnavailable as error:
        needs("bubblewrap", f"apt-get install bubblewrap python3-numpy ({error})")


@pytest.fixture(autouse=True)
def small_limits_and_no_leftovers(settings, monkeypatch):
    settings.SANDBOX_CPU_SECONDS = CPU
    settings.SANDBOX_WALL_SECONDS = WALL
    settings.SANDBOX_MEMORY_MB = MEMORY_MB
    settings.SANDBOX_OUTPUT_BYTES = OUTPUT
    settings.SANDBOX_PROCESSES = PROCESSES
    monkeypatch.setattr(sandbox, "RUN_UIDS", UIDS)
    before = set(_processes(descendants=True))
    yield
    left = {pid: what for pid, what in _processes(descendants=True).items() if pid not in before}
    left |= _processes(descendants=False)
    assert not left, f"processes left behind: {left}"


def _processes(descendants: bool, of: int | None = None) -> dict[int, str]:
    """Descendants of this process (or of `of`), or (as root) processes with one of this
    module's run ids, as pid: "name state cmdline"."""
    table = {}  # pid: (parent, uid, what)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat, status = (entry / "stat").read_text(), (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        if _browser_process(name, cmdline):
            continue
        uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
        table[int(entry.name)] = (int(fields[1]), uid, f"{name} {fields[0]} {cmdline[:200]}")
    if not descendants:
        return {pid: what for pid, (_, uid, what) in table.items() if uid in UIDS}
    mine, todo = {}, [of or os.getpid()]
    while todo:
        parent = todo.pop()
        for pid, (ppid, _, what) in table.items():
            if ppid == parent and pid not in mine:
                mine[pid] = what
                todo.append(pid)
    return mine


def _browser_process(name: str, cmdline: str) -> bool:
    """A process of the browser tests. They may run on this test worker too, and once a run has
    made it a child subreaper, Chromium's helpers that outlive their browser are adopted by it:
    they are not the sandbox's, which never starts a browser or Playwright's driver."""
    return name.startswith("chrom") or "/chromium/" in cmdline or "playwright" in cmdline


def probe(code: str) -> dict:
    """Run `code`, whose main() returns what it met, and return that."""
    outcome = sandbox.run_tests(code, PROBE)
    assert not outcome.error and outcome.results[0].status == "passed", outcome
    return json.loads(outcome.results[0].output)


# 1. Endless loops: the CPU limit stops one that computes (or the wall limit, on a busy machine),
# the wall limit one that waits.
ON_CPU, ON_WALL = f"limit of {CPU} s of CPU time", f"longer than the limit of {WALL} s"


def stopped_by_a_time_limit(outcome: sandbox.RunOutcome) -> bool:
    return not outcome.results and (ON_CPU in outcome.error or ON_WALL in outcome.error)


@pytest.mark.parametrize(
    "code",
    [
        "def main():\n    while True:\n        pass\n",
        "import time\n\ndef main():\n    time.sleep(600)\n",
        "import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\n\nwhile True:\n    pass\n",  # then SIGKILL
    ],
    ids=["busy", "sleeping", "ignoring SIGXCPU"],
)
def test_an_endless_run_is_stopped_by_a_limit(code):
    started = time.monotonic()
    outcome = sandbox.run_tests(code, TEST)
    assert stopped_by_a_time_limit(outcome), outcome
    assert ("sleep" not in code or ON_WALL in outcome.error) and time.monotonic() - started < WALL + 1.5


# 2. Fork bombs: the process limit refuses more processes; the run ends and takes them all along.
REFUSED = f"No more processes: the limit is {PROCESSES}."


@pytest.mark.parametrize(
    "code, refused",
    [
        ("import os\n\ndef main():\n    while True:\n        os.fork()\n", True),
        (
            "import os, time\n\ndef main():\n    while True:\n        if os.fork() == 0:\n            time.sleep(600)\n",
            True,
        ),
        ('import subprocess\n\ndef main():\n    while True:\n        subprocess.Popen(["sleep", "600"])\n', True),
        # bash's bomb does not raise in Python: the loop after it meets a time limit.
        ('import subprocess\nsubprocess.run(["bash", "-c", ":(){ :|:& };:"])\nwhile True:\n    pass\n', False),
    ],
    ids=["fork", "forks that stay", "subprocesses", "shell"],
)
def test_a_fork_bomb_meets_the_process_limit_and_leaves_nothing(code, refused):
    outcome = sandbox.run_tests(code, TEST)
    if refused:
        assert [(r.name, r.status) for r in outcome.results] == [("test_it", "error")], outcome  # copies are quiet
        assert outcome.results[0].message.endswith(REFUSED)
    else:
        assert stopped_by_a_time_limit(outcome), outcome


# 3. Memory bombs: MemoryError, explained as the memory limit, in a test or at import.
@pytest.mark.parametrize(
    "code",
    [
        "def main():\n    return bytearray(4 * 1024**3)\n",
        "import numpy\n\ndef main():\n    return numpy.ones(4 * 1024**3 // 8)\n",
        "def main():\n    grow = []\n    while True:\n        grow.append(bytearray(10**6))\n",
        "hog = bytearray(4 * 1024**3)\n",
    ],
    ids=["bytearray", "numpy", "growing", "at import"],
)
def test_a_memory_bomb_is_over_the_memory_limit(code):
    outcome = sandbox.run_tests(code, TEST)
    assert outcome.results and outcome.results[0].status == "error", outcome
    assert "MemoryError" in outcome.results[0].message
    assert f"Over the memory limit of {MEMORY_MB} MB." in outcome.results[0].message


# 4. Floods of output: the output limit (SIGXFSZ) stops them; what is kept stays small.
@pytest.mark.parametrize(
    "code",
    [
        'print("x" * 100_000_000)\n',
        "while True:\n    print('spam')\n",
        'import os\n\ndef main():\n    os.write(1, b"x" * 100_000_000)\n',
        'import signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\nprint("x" * 100_000_000)\n',
    ],
    ids=["print at import", "endless print", "straight to fd 1", "ignoring SIGXFSZ"],
)
def test_a_flood_of_output_is_stopped_by_the_output_limit(code):
    outcome = sandbox.run_tests(code, TEST)
    assert outcome.error == f"Stopped: the run printed more than the limit of {OUTPUT} bytes of output."
    assert len(outcome.log) <= sandbox.LOG_CHARS and not outcome.results


def test_what_a_test_prints_is_shown_and_bounded():
    outcome = sandbox.run_tests(
        "def main():\n    print('hello from the solution')\n    print('y' * 10**7)\n    return True\n", TEST
    )
    output = outcome.results[0].output
    assert outcome.passed and output.startswith("hello from the solution\ny")
    assert len(output) < 2100 and output.endswith("[output cut at 2000 characters]")


# 5. The network: there is none, not even this machine's loopback.
NETWORK = """
import socket

def attempt(family, address):
    with socket.socket(family, socket.SOCK_STREAM) as connection:
        connection.settimeout(2)
        try:
            connection.connect(address)
            return "connected"
        except OSError as error:
            return type(error).__name__

def main():
    try:
        dns = str(socket.getaddrinfo("example.org", 80))
    except OSError as error:
        dns = type(error).__name__
    return {
        "listener": attempt(socket.AF_INET, ("127.0.0.1", PORT)),
        "postgres": attempt(socket.AF_INET, ("127.0.0.1", 5432)),
        "site": attempt(socket.AF_INET, ("127.0.0.1", 8000)),
        "external": attempt(socket.AF_INET, ("1.1.1.1", 80)),
        "abstract unix socket": attempt(socket.AF_UNIX, UNIX),
        "dns": dns,
        "interfaces": [name for _, name in socket.if_nameindex()],
    }
"""


def test_the_network_is_unreachable():
    address = f"\0prepsite-sandbox-test-{os.getpid()}"
    with socket.create_server(("127.0.0.1", 0)) as listener, socket.socket(socket.AF_UNIX) as unix:
        unix.bind(address)
        unix.listen()
        met = probe(f"PORT, UNIX = {listener.getsockname()[1]}, {address!r}\n" + NETWORK)
        for server in (listener, unix):
            server.setblocking(False)
            with pytest.raises(BlockingIOError):
                server.accept()  # nobody came
    assert met.pop("interfaces") == ["lo"]  # its own loopback, with nothing on it
    assert met.pop("dns") in ("gaierror", "OSError")
    assert set(met.values()) <= {"ConnectionRefusedError", "OSError"}, met


# 6. The project, its database and the worker's environment: not there.
READ = """
import os

def read(path):
    try:
        with open(path, "rb") as file:
            return "read %d bytes" % len(file.read())
    except OSError as error:
        return type(error).__name__

def main():
    environs = [read(f"/proc/{pid}/environ") for pid in os.listdir("/proc") if pid.isdigit()]
    return {
        "files": {path: read(path) for path in PATHS},
        "project": os.path.exists(PROJECT),
        "environ": dict(os.environ),
        "processes' environments": environs,
    }
"""


def test_the_project_the_database_and_the_environment_are_out_of_sight(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "canary-secret-key")
    monkeypatch.setenv("DATABASE_URL", "postgres://canary:canary-password@db/prepsite")
    paths = [str(PROJECT / "prepsite" / "settings.py"), str(PROJECT / "manage.py"), sys.executable]
    paths += ["/etc/shadow", f"/proc/{os.getpid()}/environ"]
    database = django_settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        paths.append(str(database["NAME"]))
    met = probe(f"PATHS, PROJECT = {paths!r}, {str(PROJECT)!r}\n" + READ)
    assert all(result == "FileNotFoundError" for result in met["files"].values()), met["files"]
    assert met["project"] is False
    # What bubblewrap sets, and LC_CTYPE, which Python sets for its UTF-8 locale.
    assert set(met["environ"]) <= {"PATH", "HOME", "PWD", "OPENBLAS_NUM_THREADS", "LC_CTYPE"}, met["environ"]
    assert "canary" not in json.dumps(met)  # in no process's environment, which it could read


# 7. Writing: the project is not there, the run's own folder and /usr are read-only, /tmp is private.
WRITE = """
def write(path):
    try:
        with open(path, "w") as file:
            file.write("pwned")
        return "written"
    except OSError as error:
        return type(error).__name__

def main():
    return {path: write(path) for path in TARGETS}
"""


def test_nothing_can_be_written_outside_a_private_tmp():
    private = f"/tmp/prepsite-sandbox-pwned-{os.getpid()}"
    targets = [str(PROJECT / "pwned.txt"), "/sandbox/pwned.txt", "/sandbox/tests.py", "/usr/pwned.txt", private]
    met = probe(f"TARGETS = {targets!r}\n" + WRITE)
    assert met == {
        str(PROJECT / "pwned.txt"): "FileNotFoundError",
        "/sandbox/pwned.txt": "OSError",  # read-only file system
        "/sandbox/tests.py": "OSError",
        "/usr/pwned.txt": "OSError",
        private: "written",  # into the run's own /tmp, which goes with it
    }, met
    assert not (PROJECT / "pwned.txt").exists() and not Path(private).exists()


# 8. A shell: there is one (/usr is visible), but it runs as nobody, in the same cage.
SHELL = """
import os, subprocess

def main():
    piped = subprocess.run(["bash"], input=SCRIPT, capture_output=True, text=True).stdout
    os.system("sh -c 'id -u; echo ${SECRET_KEY:-none}' > /tmp/out")
    with open("/tmp/out") as file:
        return {"bash": piped.split(), "system": file.read().split()}
"""


def test_a_shell_is_as_caged_as_the_code():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        script = "\n".join(
            [
                "echo uid=$(id -u) gid=$(id -g)",
                "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status",
                f"cat {PROJECT}/prepsite/settings.py >/dev/null 2>&1 && echo read-settings || echo no-settings",
                f"echo pwned 2>/dev/null > {PROJECT}/pwned-shell.txt && echo wrote-project || echo no-write",
                f"(echo hi > /dev/tcp/127.0.0.1/{listener.getsockname()[1]}) 2>/dev/null && echo net || echo no-net",
                f"kill -0 {os.getpid()} 2>/dev/null && echo sees-worker || echo no-worker",
                "echo secret=${SECRET_KEY:-none} processes=$(ls /proc | grep -c '^[0-9]')",
            ]
        )
        met = probe(f"SCRIPT = {script!r}\n" + SHELL)
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()
    assert met["system"] == ["65534", "none"]
    bash = met["bash"]
    assert bash[:6] == ["uid=65534", "gid=65534", "CapEff:", "0000000000000000", "NoNewPrivs:", "1"], bash
    assert bash[6:11] == ["no-settings", "no-write", "no-net", "no-worker", "secret=none"], bash
    assert int(bash[11].removeprefix("processes=")) <= 8, bash  # the run's own few, nothing else
    assert not (PROJECT / "pwned-shell.txt").exists()


# 9. Ordinary code: right passes, wrong fails with its message, broken says why.
def test_a_right_solution_passes_and_a_wrong_one_fails_with_its_message():
    tests = "def test_double():\n    assert double(2) == 4, f'double(2) gave {double(2)}'\n"
    right = sandbox.run_tests("import numpy\n\ndef double(x):\n    return int(numpy.int64(x) * 2)\n", tests)
    assert right.passed and [r.name for r in right.results] == ["test_double"], right
    wrong = sandbox.run_tests("def double(x):\n    return x * 3\n", tests)
    assert not wrong.passed and wrong.results[0].status == "failed"
    assert wrong.results[0].message == "double(2) gave 6"
    broken = sandbox.run_tests("def double(x) return x\n", tests)
    assert broken.results[0].name == "loading your code" and "SyntaxError" in broken.results[0].message


def test_the_code_cannot_pass_off_its_own_tests():
    outcome = sandbox.run_tests("def test_free():\n    pass\n", "def test_real():\n    assert False, 'no'\n")
    assert [r.name for r in outcome.results] == ["test_real"] and not outcome.passed


def test_what_the_code_prints_is_never_quoted_in_the_error():
    # Code in the hidden run can read tests.py; the error must not carry it out.
    outcome = sandbox.run_tests("import os, sys\nsys.stderr.write(open('tests.py').read())\nos._exit(3)\n", TEST)
    assert outcome.error == "The run ended without results (exit status 3)."
    assert "def test_it" in outcome.log
    # Nor can it pretend to be bubblewrap failing (which would stop the worker).
    outcome = sandbox.run_tests("import os\nos.write(2, b'bwrap: Creating new namespace failed')\nos._exit(1)\n", TEST)
    assert outcome.error == "The run ended without results (exit status 1)."


def test_a_sandbox_that_cannot_start_is_unavailable(settings):
    settings.SANDBOX_PYTHON = "/usr/bin/no-such-python"
    with pytest.raises(sandbox.SandboxUnavailable, match="bwrap: execvp /usr/bin/no-such-python"):
        sandbox.run_tests("", TEST)
    # Out of processes (non-root runs share the worker's): a passing trouble, not a broken sandbox.
    busy = sandbox._outcome(1, "", "bwrap: Creating new namespace failed: Resource temporarily unavailable", 0.0)
    assert busy.error.startswith("The run could not start: too many processes")


# 10. Runs do not hold each other up: hostile ones stay in their own limits, even of processes.
def test_a_hostile_run_does_not_block_another():
    hostile = ["def main():\n    while True:\n        pass\n"]
    if ROOT:  # a run that takes every process it can, then spins: as root each run counts its own
        hostile.append(
            "import os, time\n\ndef main():\n    try:\n        while True:\n"
            "            if os.fork() == 0:\n                time.sleep(600)\n    except OSError:\n"
            "        while True:\n            pass\n"
        )
    outcomes = []
    threads = [threading.Thread(target=lambda c=c: outcomes.append(sandbox.run_tests(c, TEST))) for c in hostile]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    normal = sandbox.run_tests("def main():\n    return 42\n", TEST)
    assert normal.passed and time.monotonic() - started < 1.5, normal
    assert all(thread.is_alive() for thread in threads)
    for thread in threads:
        thread.join()
    assert len(outcomes) == len(hostile) and all(map(stopped_by_a_time_limit, outcomes)), outcomes


def test_a_run_dies_with_its_worker():
    """A worker killed in the middle of a run takes the run along: no sleeping process stays."""
    folders = Path(tempfile.mkdtemp(prefix="prepsite-sandbox-test-"))  # for the run's folder it leaves
    folders.chmod(0o755)
    run = "from coding import sandbox; sandbox.run_tests('import time; time.sleep(600)', 'def test_it(): pass')"
    worker = subprocess.Popen(
        [sys.executable, "-c", "import django; django.setup(); " + run],
        cwd=PROJECT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "prepsite.settings_test",
            "SANDBOX_WALL_SECONDS": "60",
            "TMPDIR": str(folders),
        },
    )
    try:
        deadline = time.monotonic() + 15
        while not any(what.endswith(" -I harness.py") for what in _processes(True, of=worker.pid).values()):
            assert time.monotonic() < deadline and worker.poll() is None, "the run never started"
            time.sleep(0.05)
        sandboxed = list(_processes(True, of=worker.pid))
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        shutil.rmtree(folders)
    deadline = time.monotonic() + 5
    while not all(_gone(pid) for pid in sandboxed):
        assert time.monotonic() < deadline, _processes(descendants=True)
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    """Whether `pid` has ended, collecting it if it is a child of ours (we are a subreaper)."""
    try:
        return os.waitpid(pid, os.WNOHANG)[0] == pid
    except ChildProcessError:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
        except OSError:
            return True
