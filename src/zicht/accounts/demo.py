"""Demo organisations and accounts, one per role, created idempotently.

Only for the embedded demo: refused in production. Passwords are fixed and public
(they are printed by ``make demo``); TOTP secrets are random per database and read
back from the enrolled devices by ``demo_accounts``.
"""

from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from zicht.accounts import services
from zicht.accounts.constants import OrganisationType, Role
from zicht.accounts.models import Membership, Municipality, Organisation, User
from zicht.accounts.security import hash_backup_code

DEMO_PASSWORD = "Zicht-demo-2026!"  # noqa: S105 - public demo password, refused in production

DEMO_ORGANISATIONS = [
    ("Politie eenheid Rotterdam", OrganisationType.POLICE, "GM0599"),
    ("Jeugdzorg Rotterdam", OrganisationType.YOUTH_CARE, "GM0599"),
    (
        "Landelijk Coördinatiecentrum Criminele Uitbuiting",
        OrganisationType.COORDINATION_CENTRE,
        "GM0344",
    ),
    ("Opvang De Haven", OrganisationType.SHELTER, "GM0599"),
    ("Ministerie van Justitie en Veiligheid", OrganisationType.OTHER, "GM0518"),
    # A Preventie met Gezag municipality: its administrator uses the municipal monitor.
    ("Gemeente Rotterdam", OrganisationType.MUNICIPALITY, "GM0599"),
]

# username, first name, last name, organisation, role, superuser
DEMO_ACCOUNTS = [
    ("politie", "Priya", "Pinas", "Politie eenheid Rotterdam", Role.PROFESSIONAL, False),
    ("jeugdzorg", "Jesse", "de Jong", "Jeugdzorg Rotterdam", Role.PROFESSIONAL, False),
    ("beheer", "Bram", "Bakker", "Politie eenheid Rotterdam", Role.ORG_ADMIN, False),
    (
        "coordinator",
        "Carmen",
        "Cruz",
        "Landelijk Coördinatiecentrum Criminele Uitbuiting",
        Role.COORDINATOR,
        False,
    ),
    (
        "hulpverlener",
        "Hatice",
        "Yilmaz",
        "Landelijk Coördinatiecentrum Criminele Uitbuiting",
        Role.COUNSELLOR,
        False,
    ),
    (
        "centrum",
        "Chris",
        "de Wit",
        "Landelijk Coördinatiecentrum Criminele Uitbuiting",
        Role.PROFESSIONAL,
        False,
    ),
    ("opvang", "Otto", "Ouwehand", "Opvang De Haven", Role.PROFESSIONAL, False),
    ("analist", "Anouk", "Aziz", "Ministerie van Justitie en Veiligheid", Role.ANALYST, False),
    ("gemeente", "Gijs", "Groen", "Gemeente Rotterdam", Role.ORG_ADMIN, False),
    ("systeembeheer", "Sam", "Smit", "Ministerie van Justitie en Veiligheid", Role.ORG_ADMIN, True),
]


def _require_demo():
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded in production.")


@transaction.atomic
def demo_accounts_ensure() -> None:
    """Create the demo organisations, accounts, memberships and TOTP devices if missing."""
    _require_demo()
    organisations = {}
    for name, type_, code in DEMO_ORGANISATIONS:
        org = Organisation.objects.filter(name=name).first()
        if org is None:
            org = services.organisation_create(
                name=name,
                type=type_,
                municipality=Municipality.objects.get(code=code),
                contact_email=f"zicht@{name.split()[0].lower()}.example",
            )
        organisations[name] = org
    for username, first, last, org_name, role, superuser in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.zicht.example",
                "is_staff": superuser,
                "is_superuser": superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if not Membership.objects.filter(user=user, organisation=organisations[org_name]).exists():
            services.membership_create(user=user, organisation=organisations[org_name], role=role)
        if not TOTPDevice.objects.filter(user=user, name="default").exists():
            TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        if not StaticDevice.objects.filter(user=user, name="backup").exists():
            static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
            for _ in range(5):  # nobody sees these; stored hashed like every backup code
                static.token_set.create(token=hash_backup_code(StaticToken.random_token()))


def demo_accounts_list() -> list[dict]:
    """The demo accounts as printed by ``make demo`` and ``demo_accounts --json``."""
    rows = []
    for username, _first, _last, org_name, role, superuser in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        device = TOTPDevice.objects.filter(user=user, name="default").first()
        secret = b32encode(unhexlify(device.key)).decode("ascii") if device else ""
        rows.append(
            {
                "username": username,
                "password": DEMO_PASSWORD,
                "totp_secret": secret,
                "role": str(role.value),
                "organisation": org_name,
                "superuser": superuser,
            }
        )
    return rows
