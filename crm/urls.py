from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from crm.health import healthz

# Under /api/ an unknown URL or a request Django refuses answers JSON (crm/errors.py).
handler400 = "crm.errors.bad_request"
handler404 = "crm.errors.not_found"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("relations.api_urls")),
    path("api/v1/", include("stakeholders.api_urls")),
    path("api/v1/", include("events.api_urls")),
    path("api/v1/", include("transfer.api_urls")),
    path("api/v1/", include("privacy.api_urls")),
    path("api/v1/", include("network_manager.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("stakeholders/", include("stakeholders.urls")),
    path("events/", include("events.urls")),
    path("transfer/", include("transfer.urls")),
    path("privacy/", include("privacy.urls")),
    path("network/", include("network_manager.urls")),
    path("", include("relations.urls")),
]
