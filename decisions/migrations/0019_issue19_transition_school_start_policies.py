# Issue 19, transition part: every existing municipality gets the spring flag's rule
# (DeadlineKind.SCHOOL_START) its admin can edit, as 0014 did for the appeal's.

from django.db import migrations

# decisions.services.LEGAL_REFERENCES[SCHOOL_START] and deadlines.DEFAULT_RULES[SCHOOL_START]
# when this was written (a migration keeps its own copy).
SCHOOL_START_LEGAL_REFERENCE = (
    "Barnehageloven § 31 gjelder barn under opplæringspliktig alder; opplæringslova § 2-1: "
    "skolestart det kalenderåret barnet fyller seks år. PPT varsles våren før (1. august "
    "minus fem måneder = 1. mars) for å forberede skolesaken etter opplæringslova § 11-7."
)


def add_school_start_policies(apps, schema_editor):
    Municipality = apps.get_model("teams", "Municipality")
    DeadlinePolicy = apps.get_model("decisions", "DeadlinePolicy")
    for municipality_id in Municipality.objects.values_list("pk", flat=True):
        DeadlinePolicy.objects.get_or_create(
            municipality_id=municipality_id,
            kind="school_start",
            defaults={
                "months": -5,
                "days": 0,
                "warning_days": 30,
                "legal_reference": SCHOOL_START_LEGAL_REFERENCE,
            },
        )


def remove_school_start_policies(apps, schema_editor):
    apps.get_model("decisions", "DeadlinePolicy").objects.filter(kind="school_start").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0018_iop_and_annual_evaluation"),
    ]

    operations = [
        migrations.RunPython(add_school_start_policies, remove_school_start_policies),
    ]
