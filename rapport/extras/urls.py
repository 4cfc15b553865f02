from django.urls import path

from rapport.extras import views

app_name = "extras"
urlpatterns = [
    path("clients/<int:client_pk>/", views.client_extras, name="client"),
    path("clients/<int:client_pk>/new/", views.log_for_client, name="log_for_client"),
    path("clients/<int:client_pk>/propose/", views.propose, name="propose"),
    path("messages/<int:message_pk>/new/", views.log_for_message, name="log_for_message"),
    path("meetings/<int:meeting_pk>/new/", views.log_for_meeting, name="log_for_meeting"),
    path("<int:extra_pk>/invoice/", views.to_invoice, name="to_invoice"),
    path("<int:extra_pk>/change-order/", views.to_change_order, name="to_change_order"),
    path("<int:extra_pk>/delete/", views.delete, name="delete"),
]
