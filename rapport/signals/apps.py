from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    name = "rapport.signals"
    label = "signals"
    verbose_name = _("Warning signs")

    def ready(self) -> None:
        from rapport.core.services import office_time_changed
        from rapport.signals import teaching  # noqa: F401 - registers its explanation

        office_time_changed.connect(_office_time_changed, dispatch_uid="signals-office-time")


def _office_time_changed(sender: object, workspace: object, **kwargs: object) -> None:
    """New office hours: rejudge message times in the background."""
    from rapport.signals.tasks import redetect_office_time_signals

    redetect_office_time_signals.enqueue(workspace.pk)
