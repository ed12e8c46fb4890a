"""One account per e-mail address whatever its case, enforced by the database.

Accounts that already differ only by case stop the migration with their addresses named:
which of them to keep is a person's decision, so nothing is merged or deleted here.
"""
import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


class AddressesClash(Exception):
    """Existing accounts differ only by the case of their e-mail address."""


def refuse_clashing_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    clashing = (
        User.objects.annotate(email_key=Lower("email")).values("email_key")
        .annotate(accounts=Count("id")).filter(accounts__gt=1).values_list("email_key", flat=True)
    )
    groups = []
    for key in clashing:
        accounts = User.objects.annotate(email_key=Lower("email")).filter(email_key=key)
        groups.append(", ".join(f"{user.email} (id {user.pk})" for user in accounts.order_by("pk")))
    if groups:
        raise AddressesClash(
            "These accounts differ only by the case of their e-mail address: "
            + "; ".join(groups)
            + ". Decide which account of each group stays, change the address of the others "
            "(or deactivate and rename them) in the admin or the shell, then run migrate "
            "again. Nothing was changed."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.RunPython(refuse_clashing_addresses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('email'), name='user_email_unique_whatever_its_case', violation_error_message='An account with this e-mail address already exists. Log in, or reset the password.'),
        ),
    ]
