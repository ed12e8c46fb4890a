"""Account pages of our own. Django's login, logout and password views are included
beside these in config/urls.py under their usual names (``login``, ``password_reset``...);
asking for a reset link is ours, at Django's address, so that it answers every address alike."""
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("activate/<uidb64>/<token>/", views.activate, name="activate"),
    path("password_reset/", views.password_reset, name="password_reset"),
    path("profile/", views.profile, name="profile"),
]
