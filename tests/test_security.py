import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory, override_settings
from django.views.defaults import server_error

from accounts.security import client_ip
from tests.conftest import PASSWORD, CsrfClient

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-key-for-this-test-only-0123456789abcdef",
        "ALLOWED_HOSTS": "prepsite.example",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "", "ALLOWED_HOSTS": "prepsite.example"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_every_page_has_a_strict_content_security_policy(anon_client, topic):
    for url in ["/", "/topics/ml-breadth/", "/questions/ml-breadth-q1-1/", "/accounts/login/"]:
        policy = anon_client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy


def directives(policy: str) -> set[str]:
    return {part.strip() for part in policy.split(";")}


def test_the_policy_built_once_is_django_csps_own(anon_client, topic):
    """The header comes from django-csp's middleware:
    it must say exactly what django-csp builds from the settings."""
    from csp.utils import build_policy

    assert directives(anon_client.get("/topics/ml-breadth/")["Content-Security-Policy"]) == directives(build_policy())
    assert "Content-Security-Policy-Report-Only" not in anon_client.get("/")


def test_a_changed_policy_setting_is_used_at_once(anon_client, settings, topic):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["https://img.example"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    response = anon_client.get("/")
    assert directives(response["Content-Security-Policy"]) == {"default-src 'self'", "img-src https://img.example"}
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'none'"


def test_a_views_own_policy_and_exemptions_still_apply(rf, settings):
    """Responses that a view's decorator changed, or that used a nonce, go through django-csp."""
    from csp.constants import NONCE, SELF
    from csp.decorators import csp_exempt, csp_update
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def respond(view, use_nonce: bool = False):
        request = rf.get("/somewhere/")
        middleware = CSPMiddleware(view)
        middleware.process_request(request)
        if use_nonce:
            str(request.csp_nonce)
        return request, middleware.process_response(request, view(request))

    request, plain = respond(lambda request: HttpResponse())
    assert "img-src 'self' data:" in directives(plain["Content-Security-Policy"])
    with pytest.raises(Exception, match="after the CSP header has been written"):
        str(request.csp_nonce)  # as with django-csp: too late for the header
    _, updated = respond(csp_update({"img-src": "https://img.example"})(lambda request: HttpResponse()))
    assert "img-src 'self' data: https://img.example" in directives(updated["Content-Security-Policy"])
    _, exempt = respond(csp_exempt()(lambda request: HttpResponse()))
    assert "Content-Security-Policy" not in exempt
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "script-src": [SELF, NONCE]}
    }
    request, with_nonce = respond(lambda request: HttpResponse(), use_nonce=True)
    assert f"script-src 'self' 'nonce-{request.csp_nonce}'" in directives(with_nonce["Content-Security-Policy"])
    _, without_nonce = respond(lambda request: HttpResponse())
    assert "script-src 'self'" in directives(without_nonce["Content-Security-Policy"])


def test_pages_have_no_inline_script_or_style(alice_client, topic):
    import re

    for url in ["/", "/topics/ml-breadth/", "/questions/ml-breadth-q1-1/", "/review/", "/account/progress/"]:
        page = alice_client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert "<style" not in page and " style=" not in page, url
        assert " onclick=" not in page and " hx-on" not in page, url


def login(client: CsrfClient, password: str, ip: str = "10.0.0.1", **extra):
    return client.post_form("/accounts/login/", {"username": "alice", "password": password}, REMOTE_ADDR=ip, **extra)


def test_five_failed_logins_lock_the_account_out_for_that_client(alice):
    client = CsrfClient()
    for _ in range(4):
        assert login(client, "wrong").status_code == 200
    response = login(client, "wrong")
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    response = login(client, PASSWORD)  # even the right password, for 15 minutes
    assert response.status_code == 429
    other_client = CsrfClient()
    assert login(other_client, PASSWORD, ip="10.0.0.2").status_code == 302  # another client is not locked out


def test_a_forwarded_for_header_is_ignored_unless_configured(alice):
    client = CsrfClient()
    for n in range(5):
        login(client, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert login(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


@override_settings(TRUSTED_PROXY_IP_HEADER="X-Forwarded-For", TRUSTED_PROXY_COUNT=1)
def test_the_proxy_header_is_used_when_configured():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5")
    assert client_ip(request) == "203.0.113.5"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.9")) == "10.0.0.9"


def test_not_found_and_server_error_pages(anon_client, db):
    response = anon_client.get("/no/such/page/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and b"Something went wrong" in response.content


def test_a_missing_csrf_token_gets_a_clear_403(alice_client, topic):
    response = alice_client.post("/questions/ml-breadth-q1-1/studied/", {"studied": "1"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


@pytest.mark.parametrize("url", ["/healthz"])
def test_healthz_is_not_redirected_to_https(url, settings, anon_client):
    settings.SECURE_SSL_REDIRECT = True
    assert anon_client.get(url).status_code == 200


def test_healthz_answers_probes_by_address_but_other_pages_still_check_the_host(settings, anon_client):
    """Container engines and load balancers probe by IP, not by the site's name."""
    settings.ALLOWED_HOSTS = ["prepsite.example"]
    assert anon_client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert anon_client.get("/healthz", HTTP_HOST="prepsite.example").status_code == 200
    assert anon_client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400
    assert anon_client.get("/healthz/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_pages_of_a_session_are_not_stored_by_the_browser(alice_client, anon_client, topic):
    """Back must not show counters from before a tick, nor a logged-out user's pages."""
    for path in ["/", "/topics/ml-breadth/", "/account/progress/"]:
        assert "no-store" in alice_client.get(path)["Cache-Control"], path
    assert "no-store" in anon_client.get("/accounts/login/")["Cache-Control"]  # a form with a CSRF token
