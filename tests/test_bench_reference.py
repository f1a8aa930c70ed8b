"""The benchmark's reference pages (bench/urls.py) answer as the benchmark reads them, and only
under the benchmark's settings: the site's own addresses do not hold them."""

import pytest
from django.test import override_settings
from django.urls import Resolver404, resolve


@override_settings(ROOT_URLCONF="bench.urls")
def test_session_only_page_reads_the_logged_in_user(alice_client, anon_client):
    response = alice_client.get("/bench/session-only")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert anon_client.get("/bench/session-only").content == b"no"


@override_settings(ROOT_URLCONF="bench.urls")
def test_empty_page_is_the_site_layout_for_the_member(alice_client):
    response = alice_client.get("/bench/empty-page")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<header class="site-header">' in html and "Log out" in html
    assert '<main id="main">' in html


@override_settings(ROOT_URLCONF="bench.urls")
def test_bench_addresses_still_serve_the_site(alice_client, topic):
    assert alice_client.get(f"/topics/{topic.slug}/").status_code == 200


def test_the_site_has_no_reference_pages():
    with pytest.raises(Resolver404):
        resolve("/bench/session-only")
