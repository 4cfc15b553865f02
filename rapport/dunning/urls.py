
app_name = "dunning"
urlpatterns: list = []
