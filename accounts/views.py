from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import throttle
from accounts.forms import SignupForm
from accounts.time_zone import offered_zones, remember_zone, requested_zone, zone_was_chosen
from core.http import safe_next


@throttle.limit_per_client("signup", "SIGNUPS_PER_HOUR_PER_CLIENT")
def signup(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, "/")
    if request.user.is_authenticated:
        return redirect(next_url)
    if request.limited:
        # Unbound, so nothing is validated; what they typed (not the passwords) is kept.
        form = SignupForm(
            initial={"username": request.POST.get("username", ""), "email": request.POST.get("email", "")}
        )
        message = f"Too many sign-ups from your network. {throttle.TRY_LATER}"
        return throttle.refused(request, "registration/signup.html", form, message, next=next_url)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(next_url)
    return render(
        request, "registration/signup.html", {"form": form, "next": next_url}, status=400 if form.errors else 200
    )


BROWSER_ZONE = ""  # the form's choice for "use the browser's zone"


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(label="Time zone", required=False)

    def __init__(self, *args, current: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        zones = offered_zones()
        if current and current not in zones:  # an alias the browser sent (US/Pacific): keep it listed
            zones = (current, *zones)
        self.fields["time_zone"].choices = [(BROWSER_ZONE, "Detect from my browser")] + [
            (z, z.replace("_", " ")) for z in zones
        ]


@require_http_methods(["GET", "POST"])
def time_zone(request: HttpRequest) -> HttpResponse:
    """Where the visitor's day starts: the browser's time zone, or one they choose."""
    current, chosen = requested_zone(request), zone_was_chosen(request)
    next_url = safe_next(request, request.path)
    initial = {"time_zone": current if chosen else BROWSER_ZONE}
    form = TimeZoneForm(request.POST if request.method == "POST" else None, initial=initial, current=current)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["time_zone"] or None
        response = redirect(next_url)
        remember_zone(response, name)
        if name:
            messages.success(request, f"Time zone saved: your days start at midnight in {name}.")
        else:
            messages.success(request, "Your days follow your browser's time zone from the next page on.")
        return response
    context = {
        "form": form,
        "next": next_url,
        "current": current,
        "chosen": chosen,
        "now": timezone.localtime(),
    }
    return render(request, "time_zone.html", context, status=400 if form.errors else 200)
