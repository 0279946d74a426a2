"""What every viewset of the API shares, so that each one is declarations.

RegisterViewSet: declared query parameters (parameters.py) and conditional requests
(conditional.py). ListMixin and RetrieveMixin: reads that answer 304 before they do the
work. ServiceWritesMixin: writes validated by the write serializer, made by the services
(`perform_create`, `perform_update` and `perform_destroy` call them and return the
record), and answered with the record as its writer reads it back.
"""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from .conditional import ConditionalMixin
from .parameters import QueryParametersMixin


class RegisterViewSet(QueryParametersMixin, ConditionalMixin, GenericViewSet):
    """A viewset over the register: `serializer_class` renders answers,
    `write_serializer_class` validates request bodies."""

    write_serializer_class = None
    # Anything up to the next slash reaches the view, so that every miss answers in JSON.
    lookup_value_regex = r"[^/]+"

    def get_serializer_class(self):
        if self.request.method in ("POST", "PUT", "PATCH") and self.write_serializer_class:
            return self.write_serializer_class
        return self.serializer_class

    def get_read_serializer(self, *args, **kwargs):
        """The serializer of answers, whatever the request's method."""
        return self.serializer_class(*args, context=self.get_serializer_context(), **kwargs)

    def get_read_object(self):
        """The record a read answers with (default: get_object())."""
        return self.get_object()

    def version_of(self, record) -> int:
        """The record's version, which leads its ETag."""
        return record.version


class ListMixin:
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        self.paginator.read_parameters(request, self)
        self.check_not_modified()
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_read_serializer(page, many=True).data)


class RetrieveMixin:
    def retrieve(self, request, *args, **kwargs):
        record = self.get_read_object()
        self.check_not_modified(version=self.version_of(record))
        return Response(self.get_read_serializer(record).data)


class ServiceWritesMixin:
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        response = self.written(self.perform_create(serializer), status.HTTP_201_CREATED)
        response["Location"] = response.data["url"]
        return response

    def update(self, request, *args, partial=False, **kwargs):
        instance = self.get_object()
        self.read_if_match()  # a bad If-Match is refused before the body is read
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        record = self.perform_update(serializer)
        response = self.written(record)
        if str(getattr(record, self.lookup_field)) != kwargs[self.lookup_field]:
            # The record moved: its new address, so that the client follows it.
            response["Location"] = response.data["url"]
        return response

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.read_if_match()
        self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def written(self, record, status_code=status.HTTP_200_OK) -> Response:
        """The record a service wrote, as its writer reads it back (read_back())."""
        record = self.read_back(record)
        self.etag_version = self.version_of(record)
        return Response(self.get_read_serializer(record).data, status=status_code)

    def read_back(self, record):
        return record
