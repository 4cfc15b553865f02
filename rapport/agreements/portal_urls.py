app_name = "agreements_portal"
urlpatterns: list = []
