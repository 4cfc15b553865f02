from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from rapport.accounts import views
from rapport.accounts.forms import LoginForm
from rapport.core.middleware import workspace_optional

app_name = "accounts"


def _optional(view):  # auth views work before a workspace exists
    return workspace_optional(view)


urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path(
        "login/",
        _optional(auth_views.LoginView.as_view(
            template_name="accounts/login.html", authentication_form=LoginForm,
            redirect_authenticated_user=True,
        )),
        name="login",
    ),
    path("logout/", _optional(auth_views.LogoutView.as_view()), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("language/", views.set_language, name="set_language"),
    path(
        "password/change/",
        _optional(auth_views.PasswordChangeView.as_view(
            template_name="accounts/form_page.html",
            success_url=reverse_lazy("accounts:profile"),
        )),
        name="password_change",
    ),
    path("team/", views.team, name="team"),
    path("team/invitations/<int:invitation_pk>/revoke/", views.invitation_revoke,
         name="invitation_revoke"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path(
        "password/reset/",
        _optional(views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        )),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        _optional(auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html"
        )),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        _optional(views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        )),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        _optional(auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        )),
        name="password_reset_complete",
    ),
]
