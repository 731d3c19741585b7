# The short prefix of the numbers of the documents a unit issues (东医保罚〔2026〕17号).

from django.db import migrations, models

BUREAU_WORD = "医疗保障局"


def default_doc_prefix(name):
    # A copy of supervision.models.default_doc_prefix as it was when this migration was written.
    rest = name.split(BUREAU_WORD, 1)[1] if BUREAU_WORD in name else ""
    return (rest or name)[:1]


def fill_prefixes(apps, schema_editor):
    OrgUnit = apps.get_model("supervision", "OrgUnit")
    for unit in OrgUnit.objects.filter(doc_prefix=""):
        unit.doc_prefix = default_doc_prefix(unit.name)
        unit.save(update_fields=["doc_prefix"])


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0004_lead"),
    ]

    operations = [
        migrations.AddField(
            model_name="orgunit",
            name="doc_prefix",
            field=models.CharField(
                blank=True,
                help_text="Starts the unit's document numbers (东 in 东医保罚〔2026〕17号); derived from the name when empty.",
                max_length=8,
                verbose_name="document number prefix",
            ),
        ),
        migrations.RunPython(fill_prefixes, migrations.RunPython.noop),
    ]
