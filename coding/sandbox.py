"""Running untrusted code: one bubblewrap sandbox per run, never in a web worker.

`run_tests(code, tests)` writes the user's code and the tests into a fresh folder, and runs our
harness on them inside bubblewrap with Debian's Python and NumPy: no network, no view of the
project, the database or the environment, an empty private /tmp, its own process namespace and
user id, and limits on CPU time, wall time, memory, processes, open files and output. It returns
the results of the tests, or an `error` saying why there are none; it returns only once every
process of the run is gone.

How a run is held in:
- When the worker is root, each run gets a user id of its own (drawn from RUN_UIDS), so the
  process limit, which the kernel counts per user id, counts that run's processes alone: one
  run's fork bomb cannot starve the others. When it is not root, the runs share the worker's user
  id and so its process limit; a run that cannot start for it says so (it is not unavailable).
- bubblewrap's process namespace dies with its first process, which dies with bubblewrap
  (--die-with-parent), which dies with the thread that started it (PR_SET_PDEATHSIG). At the wall
  limit we kill both. bubblewrap does not wait for that first process, so we do: the worker is a
  child subreaper and collects it, which also means no zombie is left behind.
- Whatever the run prints is user data: an `error` never quotes it (the hidden tests' file is
  readable by the code under test); the end of it is in `log`.
"""

import ctypes
import json
import os
import re
import resource
import secrets
import select
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

HARNESS = Path(__file__).with_name("harness.py")
STARTED = "HARNESS STARTED\n"  # the harness's first bytes (see harness.py): the sandbox came up
RESULTS_MARK = "RESULTS "
UNPRIVILEGED = 65534  # nobody: the id the run has inside its user namespace
RUN_UIDS = range(1_600_000_000, 1_700_000_000)  # outside ids for runs when the worker is root; no one else's
LOG_CHARS = 2000
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
_libc = ctypes.CDLL(None, use_errno=True)


class SandboxUnavailable(Exception):
    """bubblewrap is missing or not permitted here: no code can be run."""


@dataclass
class TestResult:
    name: str
    status: str  # passed, failed, error
    message: str = ""
    output: str = ""
    seconds: float = 0.0


@dataclass
class RunOutcome:
    """What a run produced: the tests' results, or an `error` saying why there are none (never
    quoting the run's output: that is in `log`, the end of what the run printed)."""

    results: list[TestResult] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0
    log: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and bool(self.results) and all(r.status == "passed" for r in self.results)


def command(folder: Path, info_fd: int = -1) -> list[str]:
    """The bubblewrap command line for a run in `folder`, mounted read-only at /sandbox."""
    bind_etc = []
    for path in ("/etc/alternatives", "/etc/ld.so.cache"):  # NumPy finds its BLAS through these
        if os.path.exists(path):
            bind_etc += ["--ro-bind", path, path]
    info = ["--info-fd", str(info_fd)] if info_fd >= 0 else []
    return [
        settings.SANDBOX_BWRAP,
        "--unshare-all",  # no network, no other process, no IPC, its own user namespace
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--uid",
        str(UNPRIVILEGED),
        "--gid",
        str(UNPRIVILEGED),
        *info,
        "--ro-bind",
        "/usr",
        "/usr",
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/lib64",
        "/lib64",
        "--symlink",
        "usr/bin",
        "/bin",
        *bind_etc,
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
        "--ro-bind",
        str(folder),
        "/sandbox",
        "--chdir",
        "/sandbox",
        "--clearenv",
        "--setenv",
        "PATH",
        "/usr/bin",
        "--setenv",
        "HOME",
        "/tmp",
        "--setenv",
        "OPENBLAS_NUM_THREADS",
        "1",
        settings.SANDBOX_PYTHON,
        "-I",  # no user site, no PYTHON* variables (the harness puts its own folder on the path)
        "harness.py",
    ]


def check_available() -> None:
    """Raise SandboxUnavailable unless a sandbox can start here (bubblewrap present and allowed)."""
    if not shutil.which(settings.SANDBOX_BWRAP):
        raise SandboxUnavailable(f"{settings.SANDBOX_BWRAP} is not installed")
    outcome = run_tests("", "def test_nothing():\n    pass\n")
    if outcome.error or not outcome.passed:
        raise SandboxUnavailable(outcome.error or "a trivial run did not pass")


def run_tests(code: str, tests: str) -> RunOutcome:
    """Run `tests` (functions named test_*, with the user's names imported) against `code`."""
    folder = Path(tempfile.mkdtemp(prefix="prepsite-run-"))
    try:
        (folder / "solution.py").write_text(code, encoding="utf-8")
        (folder / "tests.py").write_text(tests, encoding="utf-8")
        shutil.copy(HARNESS, folder / "harness.py")
        os.chmod(folder, 0o755)
        for path in folder.iterdir():
            os.chmod(path, 0o644)
        return _run(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _limits(cpu: int, memory: int, output: int, processes: int):
    """The function run in the child before bubblewrap starts (after the switch of user id):
    the limits every process of the run inherits. Settings are read before the fork."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU, then SIGKILL a second later
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))  # SIGXFSZ past it
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))  # per user id; not for root
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # die if the worker does

    return apply


def _run(folder: Path) -> RunOutcome:
    wall = settings.SANDBOX_WALL_SECONDS
    limits = _limits(
        settings.SANDBOX_CPU_SECONDS,
        settings.SANDBOX_MEMORY_MB * 1024 * 1024,
        settings.SANDBOX_OUTPUT_BYTES,
        settings.SANDBOX_PROCESSES,
    )
    root = os.getuid() == 0
    uid = RUN_UIDS[secrets.randbelow(len(RUN_UIDS))] if root else None
    _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)  # so we can collect bubblewrap's first process
    started = time.monotonic()
    info_read, info_write = os.pipe()
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        try:
            process = subprocess.Popen(
                command(folder, info_write),
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                preexec_fn=limits,
                start_new_session=True,
                pass_fds=(info_write,),
                env={},
                user=uid,
                group=uid,
                extra_groups=[] if root else None,
            )
        except OSError as error:
            raise SandboxUnavailable(str(error)) from error
        finally:
            os.close(info_write)
        timed_out, inner = False, None
        try:
            inner = _child_pid(info_read, started + wall)
            process.wait(timeout=max(0.0, started + wall - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            os.close(info_read)
            if process.poll() is None:
                if inner:
                    _signal(inner)
                _signal(process.pid, group=True)
            process.wait()
            if inner:
                _reap(inner)
        seconds = round(time.monotonic() - started, 3)
        out, out_size = _read(stdout, settings.SANDBOX_OUTPUT_BYTES)
        err, _ = _read(stderr, 8000, tail=True)
    if timed_out:
        return RunOutcome(error=f"Stopped: the run took longer than the limit of {wall} s.", seconds=seconds)
    return _outcome(process.returncode, out, err, seconds, out_size)


def _child_pid(fd: int, deadline: float) -> int | None:
    """bubblewrap's first process, as it writes it to --info-fd; None if it did not start one."""
    data = b""
    while time.monotonic() < deadline:
        if select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
            chunk = os.read(fd, 4096)
            data += chunk
            found = re.search(rb'"child-pid"\s*:\s*(\d+)\D', data)
            if found:
                return int(found.group(1))
            if not chunk:
                return None
    return None


def _signal(pid: int, group: bool = False) -> None:
    try:
        (os.killpg if group else os.kill)(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _reap(pid: int) -> None:
    """Wait until bubblewrap's first process is gone: then every process of the run is (the kernel
    empties a process namespace before its first process ends). We collect it when it is ours."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:  # collected by bubblewrap, or not our child: watch /proc instead
            try:
                if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                    return
            except (OSError, IndexError):
                return
        time.sleep(0.005)
    _signal(pid)


def _read(file, limit: int, tail: bool = False) -> tuple[str, int]:
    """At most `limit` bytes of a run's output file (its end if `tail`), and the file's size."""
    size = file.seek(0, os.SEEK_END)
    file.seek(max(0, size - limit) if tail else 0)
    return file.read(limit).decode("utf-8", "replace"), size


def _outcome(returncode: int, out: str, err: str, seconds: float, out_size: int = 0) -> RunOutcome:
    started, out = out.startswith(STARTED), out.removeprefix(STARTED)
    log = (err.strip() or out.strip())[-LOG_CHARS:]
    if not started:
        # The harness never ran: the sandbox itself failed (nothing here comes from user code).
        if "bwrap:" in err and "Resource temporarily unavailable" in err:
            return RunOutcome(error="The run could not start: too many processes right now; run it again.", log=log)
        if "bwrap:" in err:
            raise SandboxUnavailable(err.strip()[-LOG_CHARS:])
    lines = [line for line in out.splitlines() if line.startswith(RESULTS_MARK)]
    if lines:
        try:
            results = [TestResult(**item) for item in json.loads(lines[-1][len(RESULTS_MARK) :])]
            return RunOutcome(results=results, seconds=seconds)
        except (ValueError, TypeError):
            pass
    # bubblewrap exits with 128 + the signal that ended the run's first process.
    signum = -returncode if returncode < 0 else returncode - 128 if returncode > 128 else 0
    cpu, memory, output = settings.SANDBOX_CPU_SECONDS, settings.SANDBOX_MEMORY_MB, settings.SANDBOX_OUTPUT_BYTES
    if signum == signal.SIGXCPU:
        error = f"Stopped: over the limit of {cpu} s of CPU time."
    elif signum == signal.SIGXFSZ or out_size >= output or "File too large" in err:
        error = f"Stopped: the run printed more than the limit of {output} bytes of output."
    elif signum == signal.SIGKILL:
        error = f"Stopped: killed, over the limit of {cpu} s of CPU time or of {memory} MB of memory."
    elif "MemoryError" in err:
        error = f"Stopped: over the memory limit of {memory} MB."
    elif signum in signal.valid_signals():
        error = f"The run ended without results: killed by {signal.Signals(signum).name}."
    else:
        error = f"The run ended without results (exit status {returncode})."
    return RunOutcome(error=error, seconds=seconds, log=log)
