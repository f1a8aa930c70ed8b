"""Runs inside the sandbox: the test functions of tests.py, with the names of solution.py
imported, one after the other; prints one line of JSON results. Python and NumPy only.

It writes STARTED first (so sandbox.py can tell a sandbox that failed from code that failed),
keeps what each test prints (up to OUTPUT_PER_TEST characters), explains the limits it meets
(memory, processes), and lets only its own process report: a process the code forked ends
quietly. Going over the output limit ends the run with SIGXFSZ, which Python would ignore."""

import contextlib
import errno
import io
import json
import os
import resource
import signal
import sys
import time
import traceback
import types

STARTED = b"HARNESS STARTED\n"
OUTPUT_PER_TEST = 2000


def main() -> None:
    os.write(1, STARTED)
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    # Python runs us with -I, which leaves our folder off the path: put it back, for `solution`.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    harness = os.getpid()
    module = types.ModuleType("tests")
    results = []
    try:
        with open("tests.py", encoding="utf-8") as file:
            source = "from solution import *\n" + file.read()
        exec(compile(source, "tests.py", "exec"), module.__dict__)
    except BaseException as error:
        _only(harness)
        results.append(_result("loading your code", "error", _explain(error), "", 0.0))
        return _report(results)
    _only(harness)
    for name, test in list(module.__dict__.items()):
        # Only the tests of tests.py: not a test_ function that the solution brought in.
        if not name.startswith("test_") or getattr(test, "__module__", None) != "tests" or not callable(test):
            continue
        output = _Bounded()
        started = time.perf_counter()
        status, message = "passed", ""
        try:
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
                test()
        except AssertionError as error:
            status, message = "failed", str(error) or "an assertion failed"
        except BaseException as error:
            status, message = "error", _explain(error)
        _only(harness)
        results.append(_result(name, status, message, output.getvalue(), time.perf_counter() - started))
    _report(results)


def _only(harness: int) -> None:
    """A process that the code under test forked goes no further than its test."""
    if os.getpid() != harness:
        os._exit(0)


def _explain(error: BaseException) -> str:
    """The traceback, ending with which limit was met when it was one."""
    text = traceback.format_exc(limit=3)
    if isinstance(error, MemoryError):
        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        text += f"\nOver the memory limit of {limit // (1024 * 1024)} MB."
    elif isinstance(error, OSError) and error.errno == errno.EAGAIN:
        limit = resource.getrlimit(resource.RLIMIT_NPROC)[0]
        text += f"\nNo more processes: the limit is {limit}."
    return text


class _Bounded(io.TextIOBase):
    """Keeps the first OUTPUT_PER_TEST characters written to it, and whether there were more."""

    def __init__(self) -> None:
        self.kept, self.more = [], False
        self.room = OUTPUT_PER_TEST

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if len(text) > self.room:
            self.more = True
        self.kept.append(text[: self.room])
        self.room -= len(self.kept[-1])
        return len(text)

    def getvalue(self) -> str:
        return "".join(self.kept) + (f"\n[output cut at {OUTPUT_PER_TEST} characters]" if self.more else "")


def _result(name: str, status: str, message: str, output: str, seconds: float) -> dict:
    return {
        "name": name,
        "status": status,
        "message": message[-OUTPUT_PER_TEST:],
        "output": output,
        "seconds": round(seconds, 4),
    }


def _report(results: list) -> None:
    """One line, on a line of its own, straight to the output file and last: nothing the code
    left to print (buffered, or at exit) comes after it."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    data = ("\nRESULTS " + json.dumps(results) + "\n").encode()
    while data:
        data = data[os.write(1, data) :]
    os._exit(0)


if __name__ == "__main__":
    main()
