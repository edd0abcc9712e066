from django.db import models
from django.utils.translation import gettext_lazy as _


class SignalStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired (identity removed)")


class ContactSetting(models.TextChoices):
    SCHOOL = "school", _("At school")
    STREET = "street", _("On the street")
    HOME = "home", _("Home visit")
    POLICE = "police", _("Police contact")
    CARE = "care", _("In care or treatment")
    ONLINE = "online", _("Online or by phone")
    OTHER = "other", _("Other")


class ExploitationForm(models.TextChoices):
    DRUG_TRANSPORT = "drug_transport", _("Drug transport")
    DRUG_DEALING = "drug_dealing", _("Drug dealing")
    COUNTY_LINES = "county_lines", _("Dealing in other towns ('county lines')")
    MONEY_MULE = "money_mule", _("Money mule")
    COUNTERFEIT_CASHIER = "counterfeit_cashier", _("Cashing counterfeit money")
    FRAUD = "fraud", _("Fraud")
    BURGLARY_THEFT = "burglary_theft", _("Burglary and theft")
    CANNABIS_CULTIVATION = "cannabis_cultivation", _("Cannabis cultivation")
    VIOLENCE_ON_COMMAND = "violence_on_command", _("Violence on command")
    OTHER = "other", _("Other or unknown")


class JusticeStatus(models.TextChoices):
    """Whether the young person is (also) treated as an offender for the acts seen. A
    young person who looks like an offender may be a victim (the non-punishment principle
    for victims of trafficking): this is recorded so it is seen, never as a reason to
    stop looking."""

    NONE = "none", _("No, or not known")
    SUSPECT = "suspect", _("Suspect")
    ARRESTED = "arrested", _("Arrested")
    PROSECUTED = "prosecuted", _("Prosecuted")


class NationalityCategory(models.TextChoices):
    """A coarse category of nationality, as the national registration of possible victims
    reports it: no country, so it identifies nobody."""

    UNKNOWN = "unknown", _("Unknown")
    DUTCH = "dutch", _("Dutch")
    EU = "eu", _("Other EU country")
    NON_EU = "non_eu", _("Outside the EU")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other / unknown")
