"""An API key's account acted as an agent; it now has the system role of its own (accounts/roles.py)."""

from django.db import migrations


def forward(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    ApiKey = apps.get_model("api", "ApiKey")
    User.objects.filter(pk__in=ApiKey.objects.values("account_id")).update(role="system")


def backward(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(role="system").update(role="agent")


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_keys_idempotency_webhooks"),
        ("accounts", "0005_user_role_system"),
    ]

    operations = [migrations.RunPython(forward, backward)]
