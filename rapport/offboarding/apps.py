from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffboardingConfig(AppConfig):
    name = "rapport.offboarding"
    label = "offboarding"
    verbose_name = _("Offboarding")
