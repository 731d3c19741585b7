from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from supervision.accounts import views as account_views
from supervision.org import views as org_views

admin.site.site_header = "医保基金监管执法平台 · 系统管理"
admin.site.site_title = "系统管理"

urlpatterns = [
    path("", org_views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page says; the icon itself is a static file.
    path("favicon.ico", RedirectView.as_view(url=static_url("img/favicon.ico"), permanent=True), name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("", include("supervision.urls")),
    path("", include("enforcement.urls")),
    path("", include("credit.urls")),  # credit ratings, repair, assessments (issue 7)
    path("public/credit/", include("credit.public_urls")),  # public grade-E list (issue 7), before public/
    path("public/", include("enforcement.public.urls")),  # public disclosure and reports (issue 6)
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
