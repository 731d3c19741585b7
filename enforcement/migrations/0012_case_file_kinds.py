# The case file (issue 15): evidence takes the API contract's names and kinds; the document kinds of a case file.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The evidence kinds take the API contract's names (cases/{id}/evidence/).
RENAMED_KINDS = {"document": "documentary", "expert": "expert_opinion", "record": "inspection_record"}


def rename_kinds(apps, schema_editor, mapping=RENAMED_KINDS):
    Evidence = apps.get_model("enforcement", "Evidence")
    for old, new in mapping.items():
        Evidence.objects.filter(kind=old).update(kind=new)


def restore_kinds(apps, schema_editor):
    rename_kinds(apps, schema_editor, {new: old for old, new in RENAMED_KINDS.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("enforcement", "0011_legal_reference_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="evidence", old_name="captured_by", new_name="collected_by"),
        migrations.RenameField(model_name="evidence", old_name="captured_on", new_name="collected_on"),
        migrations.AlterField(
            model_name="evidence",
            name="collected_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="collected by",
            ),
        ),
        migrations.AlterField(
            model_name="evidence", name="collected_on", field=models.DateField(verbose_name="collected on")
        ),
        migrations.AlterField(
            model_name="evidence",
            name="kind",
            field=models.CharField(
                choices=[
                    ("documentary", "Documentary evidence"),
                    ("physical", "Physical evidence"),
                    ("audiovisual", "Audio-visual material"),
                    ("electronic", "Electronic data"),
                    ("witness", "Witness testimony"),
                    ("statement", "Party's statement"),
                    ("expert_opinion", "Expert opinion"),
                    ("inspection_record", "Inspection or on-site record"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="kind",
            field=models.CharField(
                choices=[
                    ("prior_notice", "Prior notice of administrative penalty"),
                    ("penalty_decision", "Administrative penalty decision"),
                    ("no_penalty_decision", "Decision not to impose a penalty"),
                    ("service_receipt", "Service receipt"),
                    ("agreement_notice", "Agreement action notice"),
                    ("filing_form", "Filing approval form"),
                    ("criminal_transfer", "Transfer of a suspected crime"),
                    ("not_filing_form", "Approval form for not filing a case"),
                    ("inquiry_notice", "Inquiry notice"),
                    ("inquiry_record", "Inquiry record"),
                    ("site_inspection_record", "On-site inspection record"),
                    ("evidence_request", "Notice to produce evidence"),
                    ("assistance_letter", "Letter requesting assistance with an investigation"),
                    ("preservation_notice", "Notice of registration and preservation of evidence"),
                    ("preservation_decision", "Decision on preserved evidence"),
                    ("sealing_decision", "Sealing decision"),
                    ("unsealing_decision", "Decision to lift a sealing"),
                    ("order_to_correct", "Order to correct"),
                    ("investigation_report", "Investigation report"),
                    ("hearing_notice", "Hearing notice"),
                    ("hearing_record", "Hearing record"),
                    ("hearing_report", "Hearing report"),
                    ("legal_review_opinion", "Legal review opinion"),
                    ("collective_discussion_record", "Collective discussion record"),
                    ("decision_approval_form", "Penalty decision approval form"),
                    ("payment_demand", "Demand for payment"),
                    ("payment_plan_decision", "Decision on deferred or instalment payment"),
                    ("closing_form", "Case closing approval form"),
                ],
                max_length=40,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(rename_kinds, restore_kinds),
    ]
