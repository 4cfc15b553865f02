from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DunningConfig(AppConfig):
    name = "rapport.dunning"
    label = "dunning"
    verbose_name = _("Reminders and late fees")

    def ready(self) -> None:
        from rapport.dunning import receivers  # noqa: F401  (connects the receivers)
