from django.urls import path

from . import views

app_name = "consortia"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.create, name="create"),
    path("new/<str:reference>/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/submissions/<int:submission_pk>/", views.report, name="report"),
    path("<int:pk>/import/", views.members_import, name="members_import"),
    path("<int:pk>/import/preview/", views.members_import_preview,
         name="members_import_preview"),
    path("import-template.<str:file_format>", views.members_import_template,
         name="members_import_template"),
    path("<int:pk>/consortium.json", views.download_json, name="download_json"),
]
