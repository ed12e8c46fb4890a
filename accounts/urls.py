"""Account pages of our own. Django's login, logout and password views are included
beside these in config/urls.py under their usual names (``login``, ``password_reset``...)."""
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
]
