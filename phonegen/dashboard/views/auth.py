from django.contrib.auth import views as auth_views

from ..forms import SignInForm


class SignInView(auth_views.LoginView):
    """Username and password; the session it starts also authenticates the
    API calls and the WebSocket of the dashboard's pages."""

    template_name = "dashboard/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django's rule): a link cannot sign anyone out."""
