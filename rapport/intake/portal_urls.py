from django.urls import path

from rapport.intake import portal_views

app_name = "intake_portal"
urlpatterns = [
    path("<str:token>/", portal_views.questionnaire, name="questionnaire"),
]
