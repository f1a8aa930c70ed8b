"""A stand-in for the child that formats text, which dies the way a process killed by the system
dies: without a word. Kept free of Django, so a fresh child process can import it."""

import os
import signal


def die_without_a_word(texts, sender) -> None:
    os.kill(os.getpid(), signal.SIGKILL)
