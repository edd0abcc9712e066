"""The partner API, version 1. Thin views: selectors read, services write, and every
read or write of a signal or match is audit-logged with the key that made it.

The API acts as the key's contact person (``authentication.membership_of``), so it
sees exactly what that professional sees: the organisation's own signals, and for a
match only the other organisation, its contact person and the dates.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from zicht.api import serializers as s
from zicht.api.authentication import membership_of
from zicht.api.exceptions import AuditedNotFound, Conflict
from zicht.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from zicht.api.idempotency import idempotent
from zicht.api.pagination import Pagination
from zicht.api.permissions import HasRequiredScope
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.intake import selectors as intake_selectors
from zicht.intake import services as intake_services
from zicht.linkage import selectors as linkage_selectors
from zicht.linkage import services as linkage_services

UUID_RE = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
PROBLEM = "application/problem+json"


def _problems(*codes: int) -> dict:
    """The error responses of an operation: ``codes`` plus those every operation can
    answer (no or a wrong key, a missing scope, the rate limit)."""
    described = {
        400: (s.ValidationProblemSerializer, _("Invalid request; 'errors' lists each field.")),
        401: (s.ProblemSerializer, _("No valid API key (header 'Authorization: Api-Key <key>').")),
        403: (s.ProblemSerializer, _("The API key lacks the scope for this action.")),
        404: (s.ProblemSerializer, _("Not found, or not your organisation's.")),
        409: (s.ProblemSerializer, _("Not possible in the current state.")),
        413: (s.ProblemSerializer, _("The request body is too large.")),
        415: (s.ProblemSerializer, _("The request body is not JSON.")),
        422: (s.ProblemSerializer, _("Idempotency-Key reused with a different request.")),
        429: (s.ProblemSerializer, _("Rate limit reached; see the Retry-After header.")),
    }
    codes = (401, 403, 429, *codes)
    return {
        (code, PROBLEM): OpenApiResponse(described[code][0], description=described[code][1])
        for code in sorted(set(codes))
    }


# A list answers 400 for an invalid filter and 404 for a page past the end.
LIST_PROBLEMS = (400, 404)
# A POST answers 400 for invalid JSON, fields or Idempotency-Key, 413 for a body over
# the limit, 415 for a body that is not JSON and 422 for a reused Idempotency-Key.
POST_PROBLEMS = (400, 413, 415, 422)


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=_(
        "A unique value per intended request (e.g. a UUID). A retry with the same key "
        "and body returns the first response for 24 hours instead of acting twice."
    ),
)


def _audit(request, action_name: AuditAction, *, object_type: str, object_id="", **details) -> None:
    audit.record(
        action=action_name,
        actor=request.user,
        organisation=request.auth.organisation_id,
        object_type=object_type,
        object_id=object_id,
        details={"via": "api", "api_key": request.auth.prefix, **details},
    )


def _not_found(request, action_name: AuditAction, object_type: str, object_id) -> AuditedNotFound:
    """A 404 for another organisation's (or no) object; the attempt is audit-logged."""
    return AuditedNotFound(
        action=action_name,
        actor=request.user,
        organisation=request.auth.organisation_id,
        object_type=object_type,
        object_id=object_id,
        details={"via": "api", "api_key": request.auth.prefix},
    )


def _validation_error(exc: DjangoValidationError, prefix_of) -> exceptions.APIException:
    """A service's ValidationError as an API error: per field (400) or about state (409)."""
    if hasattr(exc, "error_dict"):
        nested: dict = {}
        for field, messages in exc.message_dict.items():
            prefix = prefix_of(field)
            target = nested.setdefault(prefix, {}) if prefix else nested
            target[field] = messages
        return exceptions.ValidationError(nested)
    return Conflict(" ".join(exc.messages))


# One answer serializer per process for the busiest answer, a created signal: DRF deep-copies
# a serializer's ~20 declared fields for every new instance, a cost paid per POST otherwise.
# Its bound fields hold no per-request state; ``to_representation`` only reads them.
_SIGNAL_ANSWER = s.SignalSerializer()


class PartnerViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated, HasRequiredScope]
    pagination_class = Pagination


@extend_schema(tags=["signals"])
class SignalViewSet(PartnerViewSet):
    lookup_value_regex = UUID_RE

    def _own_signal(self, request, pk):
        try:
            return intake_selectors.signal_get(membership=membership_of(request), signal_id=pk)
        except Http404:
            raise _not_found(request, AuditAction.INTAKE_SIGNAL_NOT_FOUND, "signal", pk) from None

    @extend_schema(
        summary=_("List your organisation's signals"),
        parameters=[s.SignalFilterSerializer],
        responses={200: s.SignalSummarySerializer(many=True), **_problems(*LIST_PROBLEMS)},
    )
    def list(self, request):
        filters = s.SignalFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        signals = intake_selectors.signal_list(
            membership=membership_of(request), filters=filters.validated_data
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(signals, request, view=self)
        _audit(
            request,
            AuditAction.API_SIGNAL_LIST,
            object_type="signal",
            signal_ids=[str(signal.pk) for signal in page],
        )
        return paginator.get_paginated_response(s.SignalSummarySerializer(page, many=True).data)

    @extend_schema(
        summary=_("Read one of your organisation's signals, with its identity"),
        responses={200: s.SignalSerializer, **_problems(404)},
    )
    def retrieve(self, request, pk=None):
        signal = self._own_signal(request, pk)
        _audit(request, AuditAction.INTAKE_SIGNAL_VIEWED, object_type="signal", object_id=signal.pk)
        return Response(s.SignalSerializer(signal).data)

    @extend_schema(
        summary=_("Record a signal, with a plaintext identity or an encoding"),
        request=s.SignalCreateSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: s.SignalCreatedSerializer, **_problems(*POST_PROBLEMS)},
    )
    @idempotent
    def create(self, request):
        payload = s.SignalCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        membership = membership_of(request)
        encoded = "encoding" in values
        try:
            if encoded:
                signal, matches = intake_services.signal_create_encoded(
                    membership=membership,
                    data=values["data"],
                    encoding=values["encoding"],
                    age_at_contact=values["age_at_contact"],
                    municipality=values["municipality"],
                )
            else:
                signal, matches = intake_services.signal_create(
                    membership=membership, data=values["data"], identity=values["identity"]
                )
        except DjangoValidationError as exc:
            raise _validation_error(
                exc,
                lambda f: "encoding" if encoded else ("identity" if f in s.IDENTITY_FIELDS else ""),
            ) from None
        _audit(
            request,
            AuditAction.API_SIGNAL_CREATED,
            object_type="signal",
            object_id=signal.pk,
            identity="encoded" if encoded else "plaintext",
        )
        # The answer is built from the signal just written (its identity as given, not
        # read back and decrypted): the same fields a GET of it returns, a query and nine
        # decryptions cheaper. ``test_the_answer_to_a_create_is_what_a_read_returns``.
        body = {**_SIGNAL_ANSWER.to_representation(signal), "new_matches": len(matches)}
        location = reverse("api:signal-detail", args=[signal.pk])
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})

    @extend_schema(
        summary=_("Withdraw a signal: it leaves the person index at once"),
        request=s.WithdrawSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: s.SignalSerializer, **_problems(*POST_PROBLEMS, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def withdraw(self, request, pk=None):
        signal = self._own_signal(request, pk)
        payload = s.WithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = membership_of(request)
        try:
            intake_services.signal_withdraw(
                membership=membership, signal=signal, reason=payload.validated_data["reason"]
            )
        except DjangoValidationError as exc:
            raise _validation_error(exc, lambda f: "") from None
        _audit(request, AuditAction.API_SIGNAL_WITHDRAWN, object_type="signal", object_id=signal.pk)
        signal = intake_selectors.signal_get(membership=membership, signal_id=signal.pk)
        return Response(s.SignalSerializer(signal).data)


@extend_schema(tags=["matches"])
class MatchViewSet(PartnerViewSet):
    lookup_value_regex = r"[0-9]+"

    def _own_match(self, request, pk):
        try:
            view = linkage_selectors.match_get(membership=membership_of(request), match_id=pk)
            if view.match.status not in dict(s.MATCH_STATUSES):
                raise Http404  # same-organisation matches are for statistics only
            return view
        except Http404:
            raise _not_found(request, AuditAction.LINKAGE_MATCH_NOT_FOUND, "match", pk) from None

    @extend_schema(
        summary=_("List matches of your organisation's signals"),
        parameters=[s.MatchFilterSerializer],
        responses={200: s.MatchSerializer(many=True), **_problems(*LIST_PROBLEMS)},
    )
    def list(self, request):
        filters = s.MatchFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        membership = membership_of(request)
        matches = linkage_selectors.match_list(
            membership=membership, status=filters.validated_data.get("status")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(matches, request, view=self)
        views = linkage_selectors.match_views(membership=membership, matches=page)
        _audit(
            request,
            AuditAction.API_MATCH_LIST,
            object_type="match",
            match_ids=[v.match.pk for v in views],
        )
        return paginator.get_paginated_response(s.MatchSerializer(views, many=True).data)

    @extend_schema(
        summary=_("Read one match"), responses={200: s.MatchSerializer, **_problems(404)}
    )
    def retrieve(self, request, pk=None):
        view = self._own_match(request, pk)
        _audit(request, AuditAction.API_MATCH_VIEWED, object_type="match", object_id=view.match.pk)
        return Response(s.MatchSerializer(view).data)

    def _decide(self, request, pk, confirm: bool) -> Response:
        view = self._own_match(request, pk)
        membership = membership_of(request)
        try:
            linkage_services.match_decide(membership=membership, match=view.match, confirm=confirm)
        except DjangoValidationError as exc:
            raise _validation_error(exc, lambda f: "") from None
        _audit(
            request,
            AuditAction.API_MATCH_CONFIRMED if confirm else AuditAction.API_MATCH_REJECTED,
            object_type="match",
            object_id=view.match.pk,
        )
        view = linkage_selectors.match_get(membership=membership, match_id=view.match.pk)
        return Response(s.MatchSerializer(view).data)

    @extend_schema(
        summary=_("Confirm a possible match: it is the same young person"),
        request=None,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: s.MatchSerializer, **_problems(*POST_PROBLEMS, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def confirm(self, request, pk=None):
        return self._decide(request, pk, confirm=True)

    @extend_schema(
        summary=_("Reject a possible match: not the same young person"),
        request=None,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: s.MatchSerializer, **_problems(*POST_PROBLEMS, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def reject(self, request, pk=None):
        return self._decide(request, pk, confirm=False)


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other path under /api/v1/: a 404 problem instead of an HTML page."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound(
            _("No such endpoint. Paths end with a slash, e.g. /api/v1/signals/.")
        )


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from local (sidecar) files; its init script is a separate file and its
    page styles a static stylesheet, so the site's CSP needs no 'unsafe-inline'."""

    template_name = "api/swagger_ui.html"
