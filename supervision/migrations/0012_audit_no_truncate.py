"""On PostgreSQL, refuse TRUNCATE on the audit table too (row triggers do not fire on TRUNCATE).

A statement-level trigger refuses it unless the session has set ``portal.allow_audit_truncate = 'on'``:
the test runner does (config/settings.py), because Django empties every table with TRUNCATE between
transactional tests. The owner of the table can always drop the trigger; this stops accidents such as
``manage.py flush`` on a live database.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION supervision_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('portal.allow_audit_truncate', true), '') <> 'on' THEN
        RAISE EXCEPTION 'supervision_auditevent is append-only: TRUNCATE refused';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER supervision_auditevent_no_truncate
    BEFORE TRUNCATE ON supervision_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION supervision_auditevent_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS supervision_auditevent_no_truncate ON supervision_auditevent;
DROP FUNCTION IF EXISTS supervision_auditevent_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0011_api_token_use")]

    operations = [migrations.RunPython(forwards, backwards)]
