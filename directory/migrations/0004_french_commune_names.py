from django.db import migrations


def refresh_communes(apps, schema_editor):
    """Bring names of the committed gazetteer (e.g. Dunkerque, not Dunkirk) into the table."""
    from circuitcourt.directory.gazetteer import read_gazetteer

    Commune = apps.get_model("directory", "Commune")
    for row in read_gazetteer():
        Commune.objects.filter(geonames_id=row["geonames_id"]).exclude(
            name=row["name"], slug=row["slug"], search_names=row["search_names"]
        ).update(name=row["name"], slug=row["slug"], search_names=row["search_names"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_import_refs")]

    operations = [migrations.RunPython(refresh_communes, migrations.RunPython.noop)]
