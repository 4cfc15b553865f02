from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "rapport.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from rapport.audit import context, tracking  # noqa: F401  (connects the receivers)

        context.connect_task_signals()
