from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rapport.core"
    label = "core"
    verbose_name = _("Workspaces")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django_tasks.signals import task_finished

        from rapport.core.background import job_finished
        from rapport.core.sqlite import install_like, register_lookups

        task_finished.connect(job_finished, dispatch_uid="core-job-finished")
        connection_created.connect(install_like, dispatch_uid="core-sqlite-like")
        register_lookups()
