"""Sign-up, profile and language switching; login and password reset are Django's."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.accounts import invitations, throttle
from rapport.accounts.client_ip import client_ip
from rapport.accounts.forms import InvitationSignupForm, InviteForm, ProfileForm, SignupForm
from rapport.accounts.models import Invitation, User
from rapport.core.middleware import SESSION_KEY, workspace_optional


def _too_many() -> str:
    return _("Too many requests from here in the last hour; please try again later.")


@login_not_required
@workspace_optional
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    if not settings.SIGNUP_OPEN:
        return render(request, "accounts/signup_closed.html", status=403)
    form = SignupForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid() and not throttle.allow(
            "signup", {client_ip(request): throttle.per_ip()}):
        form.add_error(None, _too_many())
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to Rapport! Set up your workspace to begin."))
        return redirect("core:workspace_create")
    return render(request, "accounts/signup.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, with reset mails limited per address and per IP address, so the
    form cannot be used to flood someone's inbox (the same answer whether or not an
    account exists)."""

    def form_valid(self, form):  # noqa: ANN001, ANN201
        email = form.cleaned_data["email"]
        if not throttle.allow("password_reset", {email: throttle.per_address(),
                                                 client_ip(self.request): throttle.per_ip()}):
            form.add_error(None, _too_many())
            return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view, and a new password also lifts a login lock on the account: whoever
    can read the account's mail may log in again at once."""

    def form_valid(self, form):  # noqa: ANN001, ANN201

        response = super().form_valid(form)
        AccessAttempt.objects.filter(username__iexact=form.user.email).delete()
        return response


@workspace_optional
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        translation.activate(request.user.language)
        messages.success(request, _("Profile saved."))
        return _with_language_cookie(redirect("accounts:profile"), request.user.language)
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
@login_not_required
@workspace_optional
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the UI language; for a signed-in user it is remembered on the account."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return _with_language_cookie(redirect(target), language)


def _with_language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    """Remember the language with the cookie flags of the settings (Secure and HttpOnly
    in production)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
    )
    return response


def team(request: HttpRequest) -> HttpResponse:
    """The workspace's members and open invitations; owners invite by email here."""
    workspace = request.workspace
    owner = invitations.may_invite(request.user, workspace)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and owner and form.is_valid():
        try:
            invitations.invite(workspace, form.cleaned_data["email"], invited_by=request.user,
                               base_url=request.build_absolute_uri("/"),
                               ip=client_ip(request))
        except ValidationError as exc:
            form.add_error("email", exc)
        except OSError as exc:
            form.add_error(None, _("The invitation could not be sent (%(reason)s).")
                           % {"reason": exc})
        else:
            messages.success(request, _("Invitation sent to %(email)s.")
                             % {"email": form.cleaned_data["email"]})
            return redirect("accounts:team")
    return render(request, "accounts/team.html", {
        "form": form, "may_invite": owner,
        "members": workspace.memberships.select_related("user").order_by("created_at"),
        "open": Invitation.objects.filter(workspace=workspace, accepted_at__isnull=True,
                                          revoked_at__isnull=True),
    })


@require_POST
def invitation_revoke(request: HttpRequest, invitation_pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, workspace=request.workspace, pk=invitation_pk)
    if not invitations.may_invite(request.user, request.workspace):
        raise Http404
    invitations.revoke(invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("accounts:team")


@login_not_required
@workspace_optional
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Join a workspace from the link in the invitation mail: create an account (even
    with sign-up closed), or log in with the invited address, then accept."""
    found = invitations.usable(token)
    if found is None:
        raise Http404
    context: dict[str, object] = {"invitation": found, "error": ""}
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                invitations.accept(found, request.user)
            except ValidationError as exc:
                context["error"] = " ".join(exc.messages)
            else:
                return _joined(request, found)
        elif request.user.email.lower() != found.email.lower():
            context["error"] = _("This invitation is for %(email)s. Log in with that address "
                                 "to accept it.") % {"email": found.email}
        return render(request, "accounts/invitation.html", context)
    if User.objects.filter(email__iexact=found.email).exists():
        context["login_url"] = f"{reverse('accounts:login')}?next={request.path}"
        return render(request, "accounts/invitation.html", context)
    form = InvitationSignupForm(request.POST or None, email=found.email,
                                initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        invitations.accept(found, user)
        return _joined(request, found)
    context["form"] = form
    return render(request, "accounts/invitation.html", context)


def _joined(request: HttpRequest, found: Invitation) -> HttpResponse:
    request.session[SESSION_KEY] = found.workspace_id
    messages.success(request, _("Welcome to %(workspace)s!") % {"workspace": found.workspace.name})
    return redirect("core:dashboard")
