from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "rapport.health"
    label = "health"
    verbose_name = _("Client health")

    def ready(self) -> None:
        from rapport.health import pipeline, receivers  # noqa: F401  (connects the receivers)
