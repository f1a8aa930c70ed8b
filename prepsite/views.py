from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from progress.views import safe_next


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and the benchmark: no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = "Used only to reset your password."


def signup(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, "/")
    if request.user.is_authenticated:
        return redirect(next_url)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="prepsite.auth.SessionModelBackend")
        return redirect(next_url)
    return render(
        request, "registration/signup.html", {"form": form, "next": next_url}, status=400 if form.errors else 200
    )
