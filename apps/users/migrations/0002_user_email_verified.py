from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("users", "0001_initial")]

    operations = [
        # Accounts that exist before verification does are trusted as they are: switching
        # REGISTRATION_REQUIRE_EMAIL_VERIFICATION on must not lock them out.
        migrations.AddField(model_name="user", name="email_verified", field=models.BooleanField(default=True)),
        migrations.AlterField(model_name="user", name="email_verified", field=models.BooleanField(default=False)),
    ]
