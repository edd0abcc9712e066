"""The young people's page now speaks to young adults (18 to 27) too (issue 16).

Staff edit help pages in the admin and a deploy never overwrites their edits: a page is
updated only where its body is still exactly the text shipped before (checked by hash);
an edited page is left alone for staff to update.
"""

import hashlib

from django.db import migrations

SLUG = "jongeren"
# sha256 of the body shipped before this migration, per language.
PREVIOUS = {
    "en": "3d85b53909bf555fdcdb8dbdc21ed0188176aafcba98603f0567dc73379df860",
    "nl": "f5fbc56fd966249acfc43c7718d1231e7668db8cb0a23d4129b4105db20cd2cf",
}


def update(apps, schema_editor):
    from zicht.help.content import pages

    HelpPage = apps.get_model("help", "HelpPage")
    shipped = {p["language"]: p["body"] for p in pages() if p["slug"] == SLUG}
    for page in HelpPage.objects.filter(slug=SLUG, language__in=list(PREVIOUS)):
        if hashlib.sha256(page.body.encode()).hexdigest() == PREVIOUS[page.language]:
            page.body = shipped[page.language]
            page.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("help", "0005_conversation_routed_to_counsellor_service")]

    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
