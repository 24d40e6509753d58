from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("contacts/<int:pk>/export/", views.contact_export, name="contact_export"),
    path("contacts/<int:pk>/erase/", views.contact_erase, name="contact_erase"),
    path("retention/", views.retention, name="retention"),
    path("history/<str:app_label>/<str:model>/<int:pk>/", views.history, name="history"),
]
