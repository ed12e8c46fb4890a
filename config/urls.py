from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from eligibility.api import api as eligibility_api

from . import views

urlpatterns = [
    path("health", views.health, name="health"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("api/", eligibility_api.urls),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("calls.urls")),
    path("", include("eligibility.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("consortia/", include("consortia.urls")),
    path("reviews/", include("reviews.urls")),
    prefix_default_language=False,
)

# The site's own error pages (shown when DEBUG is off).
handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
