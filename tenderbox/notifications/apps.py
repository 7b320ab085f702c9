from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tenderbox.notifications"
    label = "notifications"
    verbose_name = "Notifications"
