from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExtrasConfig(AppConfig):
    name = "rapport.extras"
    verbose_name = _("Extra requests")
