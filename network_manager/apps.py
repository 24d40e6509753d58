from django.apps import AppConfig


class NetworkManagerConfig(AppConfig):
    name = "network_manager"
