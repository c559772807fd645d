from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("phonegen.api.urls")),
    path("", include("phonegen.dashboard.urls")),
]

# JSON, not HTML, for errors Django itself answers (unknown URL, crash).
handler404 = "phonegen.api.errors.not_found"
handler500 = "phonegen.api.errors.server_error"
