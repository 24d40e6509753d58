from django.urls import include, path
from rest_framework.routers import DefaultRouter

from transfer import api

router = DefaultRouter()
router.register("imports", api.ImportJobViewSet, basename="import")

urlpatterns = [
    path("", include(router.urls)),
]

# Exports (transfer/export_api.py).
urlpatterns += [path("", include("transfer.export_api"))]
