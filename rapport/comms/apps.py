from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "rapport.comms"
    label = "comms"
    verbose_name = _("Messages and meetings")

    def ready(self) -> None:
        from rapport.comms import tasks
        from rapport.core.interrupted import recovered_elsewhere

        # Imports and syncs continue at their checkpoint (rapport.comms.jobs); the periodic
        # syncs of every account run again at the next tick.
        recovered_elsewhere(tasks.import_upload, tasks.sync_one_account,
                            tasks.refresh_one_calendar, tasks.sync_mail_accounts,
                            tasks.refresh_calendars)
