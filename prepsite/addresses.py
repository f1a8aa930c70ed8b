"""reverse(), remembered: it is slow enough to matter on pages that link to many questions, and
an address never changes for a given script prefix, URL name and arguments while the URL
configuration stays the same."""

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse

_URLS: dict[tuple, str] = {}


def cached_reverse(name: str, *args: str) -> str:
    key = (get_script_prefix(), name, *args)
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(name, args=args)
    return url


@receiver(setting_changed)
def _forget_addresses(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _URLS.clear()
