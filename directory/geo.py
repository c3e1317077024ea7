"""Great-circle distances, computed by the database (SQLite and PostgreSQL alike)."""

import math

from django.db.models import F, FloatField, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180


def bounding_box(latitude, longitude, radius_km):
    """(min_lat, max_lat, min_lng, max_lng) enclosing the circle: an index-friendly prefilter."""
    dlat = radius_km / KM_PER_DEGREE_LAT
    cos_lat = max(math.cos(math.radians(latitude)), 1e-6)
    dlng = min(radius_km / (KM_PER_DEGREE_LAT * cos_lat), 180)
    return latitude - dlat, latitude + dlat, longitude - dlng, longitude + dlng


def distance_km_expression(latitude, longitude, lat_field="latitude", lng_field="longitude"):
    """Haversine distance in km from a point to the row's coordinates, as an ORM expression."""
    lat = Value(float(latitude), output_field=FloatField())
    lng = Value(float(longitude), output_field=FloatField())
    half_dlat = Radians(F(lat_field) - lat) / 2
    half_dlng = Radians(F(lng_field) - lng) / 2
    a = Power(Sin(half_dlat), 2) + Cos(Radians(lat)) * Cos(Radians(F(lat_field))) * Power(
        Sin(half_dlng), 2
    )
    return Value(2 * EARTH_RADIUS_KM, output_field=FloatField()) * ASin(Sqrt(a))


def haversine_km(lat1, lng1, lat2, lng2):
    """The same distance in Python, for tests and the benchmark's baseline."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = math.radians(lat2 - lat1), math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
