from django.urls import path

from . import views

app_name = "calls"
urlpatterns = [
    path("", views.home, name="home"),
    path("calls/<str:reference>/", views.call_detail, name="detail"),
]
