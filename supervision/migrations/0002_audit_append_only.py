"""On PostgreSQL, refuse UPDATE and DELETE on the audit table at the database level as well."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION supervision_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'supervision_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER supervision_auditevent_no_change
    BEFORE UPDATE OR DELETE ON supervision_auditevent
    FOR EACH ROW EXECUTE FUNCTION supervision_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS supervision_auditevent_no_change ON supervision_auditevent;
DROP FUNCTION IF EXISTS supervision_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
