from django.urls import include, path

from transfer import views

app_name = "transfer"

urlpatterns = [
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/preview/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("import/<int:pk>/requeue/", views.import_requeue, name="import_requeue"),
    path("import/<int:pk>/undo/", views.import_undo, name="import_undo"),
    path("", include("transfer.export_urls")),
]
