"""Request and response shapes of the partner API.

Validation of a signal reuses the web form's rules through
``zicht.intake.services.signal_input_check``, so the API and the web interface apply
exactly the same rules: the BSN eleven-test, names with Latin letters, a date of birth not
in the future nor after the contact date and an age at contact within ZICHT_AGE_MIN to
ZICHT_AGE_MAX (8 to 27; zicht.core.ages), a phone number with at least 6 digits, a contact date not in the future,
indicator codes from the current catalogue, known forms of exploitation.
"""

from __future__ import annotations

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

from zicht.accounts import selectors as account_selectors
from zicht.core import ages
from zicht.intake import services as intake_services
from zicht.intake.constants import (
    ContactSetting,
    ExploitationForm,
    JusticeStatus,
    NationalityCategory,
    Sex,
    SignalStatus,
)
from zicht.linkage.constants import MatchStatus
from zicht.pprl import wire
from zicht.pprl.encoding import EncodingError
from zicht.pprl.pprl2 import SPEC_VERSION_2

IDENTITY_FIELDS = intake_services.IDENTITY_FIELDS  # the one list, in intake's rules
# The signal fields the partner API accepts (no neighbourhood code).
SIGNAL_FIELDS = (
    "contact_date",
    "setting",
    "indicator_codes",
    "forms",
    "account",
    "immediate_danger",
    "justice_status",
    "justice_offences",
    "nationality_category",
)
# Statuses a partner sees; "internal" (same-organisation, statistics only) never.
MATCH_STATUSES = [(value, label) for value, label in MatchStatus.choices if value != "internal"]
# Choice errors name the allowed values, never the submitted one.
CHOICE_ERRORS = {"invalid_choice": _("This is not one of the allowed values.")}


def choice(choices, **kwargs):
    return serializers.ChoiceField(choices=choices, error_messages=CHOICE_ERRORS, **kwargs)


# --- signals: requests --------------------------------------------------------------


class IdentityInputSerializer(serializers.Serializer):
    given_names = serializers.CharField(max_length=150)
    surname = serializers.CharField(
        max_length=150, help_text=_("With particles as written, e.g. 'van der Berg'.")
    )
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, help_text=_("YYYY-MM-DD. Or give age_estimate.")
    )
    age_estimate = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_(
            "Only when the date of birth is unknown: the age at the date of contact, "
            "within ZICHT_AGE_MIN to ZICHT_AGE_MAX (8 to 27 by default)."
        ),
    )
    sex = choice(Sex.choices, required=False, allow_blank=True)
    bsn = serializers.CharField(
        required=False, allow_blank=True, max_length=12, help_text=_("Nine digits, eleven-test.")
    )
    municipality = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=6,
        help_text=_("Municipality of residence, CBS code such as GM0363."),
    )
    alias = serializers.CharField(required=False, allow_blank=True, max_length=100)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)


class ProbeSerializer(serializers.Serializer):
    year_offset = serializers.IntegerField()
    bloom = serializers.CharField(help_text=_("Base64 of 64 bytes."))
    block_tokens = serializers.ListField(child=serializers.CharField(), max_length=12)


class EncodingInputSerializer(serializers.Serializer):
    """``Encoding.to_json()`` of zicht-pprl-1 (docs/linkage.md, section 8)."""

    spec_version = serializers.CharField(help_text=_("zicht-pprl-1"))
    key_id = serializers.CharField(max_length=32)
    exact_tokens = serializers.ListField(
        child=serializers.CharField(), max_length=5, allow_empty=True
    )
    bloom = serializers.CharField(help_text=_("Base64 of 64 bytes."))
    block_tokens = serializers.ListField(child=serializers.CharField(), max_length=12)
    probes = ProbeSerializer(many=True, required=False, max_length=2)


def _filters(help_text):
    return serializers.ListField(
        child=serializers.CharField(), min_length=3, max_length=3, help_text=help_text
    )


def _tokens(least, most, help_text=""):
    return serializers.ListField(
        child=serializers.CharField(max_length=32),
        min_length=least,
        max_length=most,
        help_text=help_text,
    )


class Probe2Serializer(serializers.Serializer):
    year_offset = serializers.IntegerField(help_text=_("-1 or 1."))
    given = _filters(_("Base64 of 32 bytes, one per anchor."))
    surname = _filters(_("Base64 of 32 bytes, one per anchor."))
    name_tokens = _tokens(12, 12)
    block_tokens = _tokens(1, wire.MAX_PROBE_BLOCKS)


class Encoding2InputSerializer(serializers.Serializer):
    """``Encoding2.to_json()`` of zicht-pprl-2 with the same identity's zicht-pprl-1
    encoding in ``pprl1``: what ``python -m zicht.pprl encode --spec zicht-pprl-2
    --with-pprl1`` writes per row (docs/linkage.md, section 8). The index keeps both, as
    for a signal recorded with its identity."""

    spec_version = serializers.CharField(help_text=_("zicht-pprl-2"))
    key_id = serializers.CharField(max_length=32)
    given = _filters(_("Base64 of 32 bytes, one per anchor."))
    surname = _filters(_("Base64 of 32 bytes, one per anchor."))
    name_tokens = _tokens(12, 12, _("16 lowercase hex digits each."))
    other_given_tokens = _tokens(1, wire.MAX_OTHER_GIVEN)
    date_tokens = _tokens(4, 4)
    date_near_tokens = _tokens(1, wire.MAX_DATE_NEAR)
    bsn_token = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text=_("Empty without a BSN.")
    )
    block_tokens = _tokens(1, wire.MAX_BLOCKS)
    probes = Probe2Serializer(many=True, required=False, max_length=2)
    pprl1 = EncodingInputSerializer(
        help_text=_("The same identity encoded with zicht-pprl-1, under the same key.")
    )


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="SubmittedEncoding",
        serializers={
            "zicht-pprl-1": EncodingInputSerializer,
            SPEC_VERSION_2: Encoding2InputSerializer,
        },
        resource_type_field_name="spec_version",
    )
)
class EncodingField(serializers.Field):
    """An encoding of either spec version, told apart by ``spec_version``: the shape of
    that version is checked here, its lengths and token formats by
    ``zicht.pprl.wire.from_wire`` (an unknown version is refused there)."""

    default_error_messages = {"not_an_object": _("Expected a JSON object.")}

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_an_object")
        if error := wire.unknown_version(data.get("spec_version")):
            raise serializers.ValidationError({error.field: [error.reason]})
        shape = (
            Encoding2InputSerializer
            if data.get("spec_version") == SPEC_VERSION_2
            else EncodingInputSerializer
        )(data=data)
        if not shape.is_valid():
            raise serializers.ValidationError(shape.errors)
        return data

    def to_representation(self, value):  # pragma: no cover - request only
        return value


class FieldsOncePerProcess(serializers.Serializer):
    """A request serializer whose fields are built and bound once per process.

    DRF deep-copies a serializer's declared fields, nested serializers and all, for every
    new instance, and binds each to it: for a signal POST about 30 fields rebuilt per
    request. A field cannot be bound twice, so the fields are bound once to an empty
    instance of the class (no data, no context, not partial: what every request to this
    serializer has) and that set is used by every instance. Validation only reads the
    fields; what a request brings (data, errors, validated data) stays on its own
    instance, and ``validate_<field>`` and ``validate`` are still looked up on it. Only
    for serializers none of whose fields use the context or keep state while validating.
    """

    _shared_fields: dict[type, BindingDict] = {}

    @cached_property
    def fields(self) -> BindingDict:
        cls = type(self)
        shared = FieldsOncePerProcess._shared_fields.get(cls)
        if shared is None:
            prototype = cls()
            shared = BindingDict(prototype)
            for name, field in prototype.get_fields().items():
                shared[name] = field
            FieldsOncePerProcess._shared_fields[cls] = shared
        return shared


class SignalCreateSerializer(FieldsOncePerProcess):
    """A signal with either ``identity`` (plaintext) or ``encoding`` (computed on your
    premises with the published specification and key). With ``encoding`` you may give
    the coarse ``age_at_contact`` and ``municipality`` for statistics."""

    contact_date = serializers.DateField(help_text=_("YYYY-MM-DD, not in the future."))
    setting = choice(ContactSetting.choices)
    indicator_codes = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        help_text=_("Codes from the current indicator catalogue."),
    )
    forms = serializers.ListField(child=choice(ExploitationForm.choices), required=False)
    account = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    immediate_danger = serializers.BooleanField(required=False, default=False)
    justice_status = choice(
        JusticeStatus.choices,
        required=False,
        help_text=_(
            "Whether the young person is (also) a suspect, arrested or prosecuted for the "
            "acts seen; default none. A young person who commits offences may be a victim."
        ),
    )
    justice_offences = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text=_("For which acts; only with a justice_status other than none."),
    )
    nationality_category = choice(
        NationalityCategory.choices,
        required=False,
        help_text=_("Dutch, other EU country or outside the EU; default unknown. No country."),
    )
    identity = IdentityInputSerializer(required=False)
    encoding = EncodingField(
        required=False,
        help_text=_(
            "zicht-pprl-1, or zicht-pprl-2 with the same identity's zicht-pprl-1 encoding "
            "in 'pprl1'."
        ),
    )
    age_at_contact = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("With encoding only: within ZICHT_AGE_MIN to ZICHT_AGE_MAX (8 to 27)."),
    )
    municipality = serializers.CharField(
        required=False, allow_null=True, max_length=6, help_text=_("CBS code, with encoding only.")
    )

    def validate_age_at_contact(self, value):
        # The bounds are settings read at call time; the message names the bound crossed.
        if message := ages.age_error(value):
            raise serializers.ValidationError(message)
        return value

    def validate(self, attrs):
        has_identity, has_encoding = "identity" in attrs, "encoding" in attrs
        if has_identity == has_encoding:
            raise serializers.ValidationError(_("Give either 'identity' or 'encoding'."))
        if has_identity:
            extra = {
                name: [_("Only with 'encoding'; put it in 'identity' instead.")]
                for name in ("age_at_contact", "municipality")
                if attrs.get(name) is not None
            }
            if extra:
                raise serializers.ValidationError(extra)
        checked = intake_services.signal_input_check(data=self._form_data(attrs))
        errors: dict = {}
        for name, messages in checked.errors.items():
            if name in IDENTITY_FIELDS:
                if has_identity:
                    errors.setdefault("identity", {})[name] = list(messages)
            elif name == "__all__":
                errors.setdefault("non_field_errors", []).extend(messages)
            else:
                errors[name] = list(messages)
        if has_encoding:
            errors.update(self._encoded_errors(attrs))
        if errors:
            raise serializers.ValidationError(errors)
        if has_identity:
            return {"data": checked.data, "identity": checked.identity}
        return {
            "data": checked.data,
            "encoding": attrs["_encoding"],
            "age_at_contact": attrs.get("age_at_contact"),
            "municipality": attrs.get("_municipality"),
        }

    @staticmethod
    def _form_data(attrs) -> dict:
        data = {name: attrs[name] for name in SIGNAL_FIELDS if name in attrs}
        data["immediate_danger"] = bool(attrs.get("immediate_danger"))
        for name, value in (attrs.get("identity") or {}).items():
            data[name] = "" if value is None else value
        return data

    @staticmethod
    def _encoded_errors(attrs) -> dict:
        errors: dict = {}
        try:
            attrs["_encoding"] = wire.from_wire(attrs["encoding"])
        except EncodingError as exc:
            errors["encoding"] = _nested_error(exc.field, exc.reason)
        code = attrs.get("municipality")
        if code:
            municipality = account_selectors.municipality_list().filter(code=code).first()
            if municipality is None:
                errors["municipality"] = [_("Unknown municipality code.")]
            attrs["_municipality"] = municipality
        return errors


def _nested_error(field: str, reason: str) -> dict:
    """An ``EncodingError`` as DRF's nested error: ``pprl1.key_id`` -> {"pprl1":
    {"key_id": [...]}}; a field the encoding does not have -> ``non_field_errors``."""
    known = set(Encoding2InputSerializer().fields) | set(EncodingInputSerializer().fields)
    head, _sep, rest = field.partition(".")
    if head == wire.PPRL1_MEMBER and rest in EncodingInputSerializer().fields:
        return {head: {rest: [reason]}}
    if head == wire.PPRL1_MEMBER:
        return {head: {"non_field_errors": [reason]}}
    return {field if field in known else "non_field_errors": [reason]}


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text=_("Why the signal is withdrawn."))


class SignalFilterSerializer(serializers.Serializer):
    status = choice(SignalStatus.choices, required=False)
    form = choice(ExploitationForm.choices, required=False)
    immediate_danger = serializers.BooleanField(required=False, default=None, allow_null=True)
    date_from = serializers.DateField(required=False, help_text=_("Contact date from"))
    date_to = serializers.DateField(required=False, help_text=_("Contact date to"))
    q = serializers.CharField(required=False, max_length=100, help_text=_("Reference or author"))


class MatchFilterSerializer(serializers.Serializer):
    status = choice(MATCH_STATUSES, required=False)


# --- signals: responses -------------------------------------------------------------


class IdentitySerializer(serializers.Serializer):
    """The young person as your organisation recorded them (your own data)."""

    given_names = serializers.CharField()
    surname = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    age_estimate = serializers.IntegerField(allow_null=True)
    sex = serializers.CharField()
    bsn = serializers.CharField()
    municipality = serializers.CharField()
    alias = serializers.CharField()
    phone = serializers.CharField()

    def to_representation(self, instance):
        return {
            "given_names": instance.given_names,
            "surname": instance.surname,
            "date_of_birth": instance.date_of_birth or None,
            "age_estimate": int(instance.age_estimate) if instance.age_estimate else None,
            "sex": instance.sex,
            "bsn": instance.bsn,
            "municipality": instance.municipality,
            "alias": instance.alias,
            "phone": instance.phone,
        }


class SignalSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    status = choice(SignalStatus.choices)
    contact_date = serializers.DateField()
    setting = choice(ContactSetting.choices)
    immediate_danger = serializers.BooleanField()
    forms = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    expires_on = serializers.DateField()


class SignalSerializer(SignalSummarySerializer):
    indicator_codes = serializers.ListField(child=serializers.CharField())
    account = serializers.CharField()
    justice_status = choice(JusticeStatus.choices)
    justice_offences = serializers.CharField()
    nationality_category = choice(NationalityCategory.choices)
    municipality = serializers.CharField(source="municipality_id", allow_null=True)
    age_at_contact = serializers.IntegerField(allow_null=True)
    withdrawn_reason = serializers.CharField()
    updated_at = serializers.DateTimeField()
    recorded_by = serializers.SerializerMethodField()
    identity = serializers.SerializerMethodField(
        help_text=_("Null when the signal was recorded from an encoding or has expired.")
    )

    def get_recorded_by(self, signal) -> str:
        return signal.author.get_full_name() or signal.author.username

    @extend_schema_field(IdentitySerializer(allow_null=True))
    def get_identity(self, signal):
        record = getattr(signal, "identity", None) if hasattr(signal, "identity") else None
        return IdentitySerializer(record).data if record is not None else None


class SignalCreatedSerializer(SignalSerializer):
    new_matches = serializers.IntegerField(
        help_text=_("How many matches with other organisations this signal made.")
    )


# --- matches ------------------------------------------------------------------------


class OwnSignalSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="signal_id")
    reference = serializers.CharField()


class OtherSideSerializer(serializers.Serializer):
    """Who to contact at the other organisation. Never their file, identity or a score."""

    organisation = serializers.CharField(source="organisation_name")
    contact_person = serializers.CharField(source="author_name")
    contact_email = serializers.EmailField(source="author_email")
    recorded_on = serializers.DateField()


class MatchSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="match.pk")
    status = choice(MATCH_STATUSES, source="match.status")
    found_at = serializers.DateTimeField(source="match.created_at")
    decided_at = serializers.DateTimeField(source="match.decided_at", allow_null=True)
    own_signal = OwnSignalSerializer(source="own")
    other = OtherSideSerializer()


# --- problems (for the schema) ------------------------------------------------------


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True, help_text=_("Dotted path such as identity.bsn; null for the request.")
    )
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text=_("urn:zicht:problem:<name> or about:blank"))
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()


class ValidationProblemSerializer(ProblemSerializer):
    errors = FieldErrorSerializer(many=True)
