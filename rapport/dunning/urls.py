from django.urls import path

from rapport.dunning import views

app_name = "dunning"
urlpatterns = [
    path("policy/", views.policy, name="policy"),
    path("run/", views.run_now, name="run_now"),
    path("policy/levels/new/", views.level_add, name="level_add"),
    path("policy/base-rates/new/", views.base_rate_add, name="base_rate_add"),
    path("clients/<int:client_pk>/", views.client_terms, name="client_terms"),
    path("clients/<int:client_pk>/policy/", views.policy, name="client_policy"),
    path("clients/<int:client_pk>/policy/toggle/", views.client_policy_toggle,
         name="client_policy_toggle"),
    path("clients/<int:client_pk>/policy-letter/", views.policy_letter, name="policy_letter"),
    path("invoices/<int:invoice_pk>/promise/", views.promise_create, name="promise_create"),
    path("invoices/<int:invoice_pk>/fee-invoice/", views.fee_invoice, name="fee_invoice"),
    path("<int:reminder_pk>/letter/", views.letter, name="letter"),
    path("<int:reminder_pk>/resend/", views.reminder_resend, name="resend"),
    path("<int:reminder_pk>/mark-sent/", views.reminder_mark_sent, name="mark_sent"),
]
