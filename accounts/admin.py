from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from audit.admin import RecordedInAdmin

from .forms import email_not_taken
from .models import User


class UserCreationByEmailForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]

    def clean_email(self) -> str:
        return email_not_taken(self.cleaned_data["email"])


class UserChangeByEmailForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return email_not_taken(self.cleaned_data["email"], account=self.instance)


@admin.register(User)
class UserAdmin(RecordedInAdmin, DjangoUserAdmin):
    """Users are known by their e-mail address; the username mirrors it."""

    form = UserChangeByEmailForm
    add_form = UserCreationByEmailForm
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "language"]}),
        (_("Permissions"), {
            "fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"],
        }),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {
            "classes": ["wide"],
            "fields": ["email", "usable_password", "password1", "password2"],
        }),
    ]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["email"]
    readonly_fields = ["last_login", "date_joined"]
