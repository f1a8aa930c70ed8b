"""A small HTTP client for tests that talk to real servers: cookies, CSRF, HTMX headers."""

import http.cookiejar
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browserish:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(
        self, method: str, path: str, data: dict | None = None, headers: dict | None = None, base: str | None = None
    ):
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if data is not None else None
        request = urllib.request.Request((base or self.base) + path, data=body, method=method, headers=headers or {})
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def csrf_token(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        self.get("/accounts/login/")
        return self.csrf_token()

    def post(self, path: str, data: dict, htmx: bool = False, **kwargs):
        headers = {"X-CSRFToken": self.csrf_token(), "Referer": self.base + "/"}
        if htmx:
            headers["HX-Request"] = "true"
        return self.request("POST", path, data=data, headers=headers, **kwargs)

    def sign_up(self, username: str, password: str = "correct horse battery staple") -> None:
        status, _, _ = self.post(
            "/accounts/signup/",
            {"username": username, "email": f"{username}@example.org", "password1": password, "password2": password},
        )
        assert status == 302, status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_for(url: str, process: subprocess.Popen | None = None, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


def counter(page: str) -> str:
    match = re.search(r'class="progress-text"><strong>(\d+)</strong> / (\d+) studied', page)
    return f"{match.group(1)} / {match.group(2)}" if match else ""
