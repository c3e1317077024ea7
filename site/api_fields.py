"""Typed API fields for `api_fields` declarations: related objects expanded into what a
front end shows (a producer's name and link, a commune's name and position, ...), instead
of bare ids.

Wagtail's v3 API builds each page type's OpenAPI schema from its `api_fields`; a field with a
`serializer` is typed from the serializer's `to_representation` return annotation, so these
TypedDicts appear in the OpenAPI document (named after their classes, so the names must be
unique across the API). Kept free of model imports: models import it.
"""

# typing_extensions: pydantic needs its TypedDict on Python < 3.12.
from django.utils.timezone import localdate
from rest_framework.fields import Field
from typing_extensions import TypedDict


class ExpandedProducer(TypedDict):
    id: int
    title: str
    url: str | None
    summary: str
    commune: str | None


class ExpandedCommune(TypedDict):
    slug: str
    name: str
    latitude: float
    longitude: float


class ExpandedPartner(TypedDict):
    id: int
    slug: str
    name: str


class ExpandedSign(TypedDict):
    slug: str
    short_name: str
    name: str


class ExpandedCategory(TypedDict):
    slug: str
    name: str


class ExpandedOpeningSlot(TypedDict):
    weekday: int  # 0 = Monday
    opens: str  # "09:00", wall-clock time in Europe/Paris
    closes: str
    season_start: int | None  # months; both None = all year; may wrap the year (11 → 2)
    season_end: int | None


class ExpandedClosure(TypedDict):
    start_date: str  # ISO dates, both included
    end_date: str
    reason: str


class ExpandedPointOfSale(TypedDict):
    id: int
    name: str
    kind: str
    kind_label: str
    address: str
    postcode: str
    commune: str | None
    latitude: float | None
    longitude: float | None
    notes: str
    opening_hours: list[ExpandedOpeningSlot]
    closures: list[ExpandedClosure]


class ReadOnlyField(Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)


class ProducerRefField(ReadOnlyField):
    """A producer of the directory, in the request's language: name, public link (None unless
    live), summary, commune."""

    def to_representation(self, producer) -> ExpandedProducer:
        from circuitcourt.site.i18n import localized

        # A page in English (an alias of the French one, until translated) links the French
        # producer: give its English version (a query; a page links a few producers).
        producer = localized([producer], type(producer).objects.select_related("commune"))[0]
        return ExpandedProducer(
            id=producer.pk,
            title=producer.title,
            url=producer.get_full_url() if producer.live else None,
            summary=producer.summary,
            commune=producer.commune.name if producer.commune_id else None,
        )


class CommuneField(ReadOnlyField):
    def to_representation(self, commune) -> ExpandedCommune:
        return ExpandedCommune(
            slug=commune.slug,
            name=commune.name,
            latitude=commune.latitude,
            longitude=commune.longitude,
        )


class PartnerField(ReadOnlyField):
    def to_representation(self, partner) -> ExpandedPartner:
        return ExpandedPartner(id=partner.pk, slug=partner.slug, name=partner.name)


class PartnersField(ReadOnlyField):
    def to_representation(self, manager) -> list[ExpandedPartner]:
        return [PartnerField().to_representation(p) for p in manager.all()]


class QualitySignsField(ReadOnlyField):
    def to_representation(self, manager) -> list[ExpandedSign]:
        return [
            ExpandedSign(slug=s.slug, short_name=s.short_name, name=s.name) for s in manager.all()
        ]


class CategoryField(ReadOnlyField):
    def to_representation(self, category) -> ExpandedCategory:
        return ExpandedCategory(slug=category.slug, name=category.local_name)


class CategoriesField(ReadOnlyField):
    def to_representation(self, manager) -> list[ExpandedCategory]:
        return [CategoryField().to_representation(c) for c in manager.all()]


class PointOfSaleField(ReadOnlyField):
    def to_representation(self, point) -> ExpandedPointOfSale:
        return ExpandedPointOfSale(
            id=point.pk,
            name=point.name,
            kind=point.kind,
            kind_label=str(point.get_kind_display()),
            address=point.address,
            postcode=point.postcode,
            commune=point.commune.name if point.commune_id else None,
            latitude=point.latitude,
            longitude=point.longitude,
            notes=point.notes,
            opening_hours=[
                ExpandedOpeningSlot(
                    weekday=slot.weekday,
                    opens=slot.opens.strftime("%H:%M"),
                    closes=slot.closes.strftime("%H:%M"),
                    season_start=slot.season_start,
                    season_end=slot.season_end,
                )
                for slot in point.opening_hours.all()
            ],
            # Closures still to come (or under way): past ones mean nothing to a visitor.
            closures=[
                ExpandedClosure(
                    start_date=closure.start_date.isoformat(),
                    end_date=closure.end_date.isoformat(),
                    reason=closure.reason,
                )
                for closure in point.closures.all()
                if closure.end_date >= localdate()
            ],
        )
