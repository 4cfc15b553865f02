
app_name = "intake_portal"
urlpatterns: list = []
