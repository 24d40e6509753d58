from django.urls import path

from privacy import api

urlpatterns = [
    path(
        "privacy/contacts/<int:pk>/export/",
        api.ContactExportView.as_view(),
        name="privacy-contact-export",
    ),
    path(
        "privacy/contacts/<int:pk>/erase/",
        api.ContactEraseView.as_view(),
        name="privacy-contact-erase",
    ),
    path("privacy/retention/", api.RetentionListView.as_view(), name="privacy-retention"),
    path(
        "privacy/history/<str:app_label>/<str:model>/<int:pk>/",
        api.HistoryView.as_view(),
        name="privacy-history",
    ),
]
