from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views

from .health import healthz

# The admin signs in through allauth, so it gets the same rate limits and two-factor authentication.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Stadtlotse"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("s/", include("evaluation.urls_public")),
    path("share/", include("transformation.urls_share")),
    path("w/", include("programmes.urls_workshop_public")),
    path("accounts/api-token/", account_views.ApiTokenView.as_view(), name="account_api_token"),
    path("", include("programmes.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
