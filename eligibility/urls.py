from django.urls import path

from . import views

app_name = "eligibility"
urlpatterns = [
    path("calls/<str:reference>/rules/", views.call_rules, name="call_rules"),
    path("rules/", views.rule_kinds, name="rule_kinds"),
]
