from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rapport.core"
    label = "core"
    verbose_name = _("Workspaces")

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from rapport.core.background import job_finished

        task_finished.connect(job_finished, dispatch_uid="core-job-finished")
