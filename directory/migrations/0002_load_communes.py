from django.db import migrations


def load_communes(apps, schema_editor):
    from circuitcourt.directory.gazetteer import read_gazetteer

    Commune = apps.get_model("directory", "Commune")
    existing = set(Commune.objects.values_list("geonames_id", flat=True))
    Commune.objects.bulk_create(
        [Commune(**row) for row in read_gazetteer() if row["geonames_id"] not in existing],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load_communes, migrations.RunPython.noop)]
