from django.db import migrations


class Migration(migrations.Migration):
    # The carrier filter of the numbers list never used the brand index (brands
    # are compared case-blind, carrier names by substring). The line-type index
    # only sped up lists of a rare type, while every stored number paid for it,
    # and when the statistics had not yet seen a large new project it led
    # PostgreSQL to read and sort the whole project for each batch of a
    # validation instead of walking the (project, number) key.
    dependencies = [
        ("numbers", "0005_number_keys_without_constraints"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="phonenumber",
            name="number_project_brand_idx",
        ),
        migrations.RemoveIndex(
            model_name="phonenumber",
            name="number_project_type_idx",
        ),
    ]
