from django.urls import path

from rapport.api import views

app_name = "api_tokens"
urlpatterns = [
    path("tokens/", views.token_list, name="list"),
    path("tokens/<int:token_pk>/revoke/", views.token_revoke, name="revoke"),
]
