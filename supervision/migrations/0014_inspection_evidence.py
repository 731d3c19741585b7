# Inspection findings keep their evidence the portal's one way (portal.evidence), as case evidence does: each
# finding's file moves to an InspectionEvidence row with the same stored file, name and SHA-256.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
                 "gif": "image/gif", "mp3": "audio/mpeg", "mp4": "video/mp4", "wav": "audio/wav",
                 "txt": "text/plain; charset=utf-8"}  # fmt: skip


def forwards(apps, schema_editor):
    Finding = apps.get_model("supervision", "Finding")
    InspectionEvidence = apps.get_model("supervision", "InspectionEvidence")
    for finding in Finding.objects.exclude(evidence="").exclude(evidence__isnull=True).iterator():
        name = finding.evidence_name or finding.evidence.name.rsplit("/", 1)[-1]
        try:
            size = finding.evidence.size
        except (OSError, ValueError):
            size = 0  # the stored file is missing: the row still names it and keeps its hash
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        InspectionEvidence.objects.create(
            finding=finding, file=finding.evidence.name, original_name=name[-255:], sha256=finding.sha256,
            size=size, content_type=CONTENT_TYPES.get(ext, "application/octet-stream"),
            recorded_by_id=finding.recorded_by_id, recorded_at=finding.recorded_at,
        )  # fmt: skip


def backwards(apps, schema_editor):
    Finding = apps.get_model("supervision", "Finding")
    InspectionEvidence = apps.get_model("supervision", "InspectionEvidence")
    for item in InspectionEvidence.objects.order_by("finding_id", "-recorded_at", "-pk").iterator():
        Finding.objects.filter(pk=item.finding_id, sha256="").update(
            evidence=item.file.name, evidence_name=item.original_name, sha256=item.sha256
        )


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0013_legal_reviewer_qualification'),
    ]

    operations = [
        migrations.CreateModel(
            name='InspectionEvidence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(blank=True, upload_to='evidence/%Y/%m/', verbose_name='file')),
                ('original_name', models.CharField(blank=True, max_length=255, verbose_name='file name')),
                ('content_type', models.CharField(blank=True, max_length=100, verbose_name='content type')),
                ('size', models.PositiveBigIntegerField(default=0, verbose_name='size (bytes)')),
                ('sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('finding', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evidence_items', to='supervision.finding', verbose_name='finding')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'verbose_name': 'inspection evidence',
                'verbose_name_plural': 'inspection evidence',
                'ordering': ['recorded_at', 'pk'],
            },
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="finding", name="evidence"),
        migrations.RemoveField(model_name="finding", name="evidence_name"),
        migrations.RemoveField(model_name="finding", name="sha256"),
    ]
