"""Great-circle distances, computed by the database (SQLite and PostgreSQL alike)."""

import math

from django.db.models import F, FloatField, Func

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180


def bounding_box(latitude, longitude, radius_km):
    """(min_lat, max_lat, min_lng, max_lng) enclosing the circle: an index-friendly prefilter."""
    dlat = radius_km / KM_PER_DEGREE_LAT
    cos_lat = max(math.cos(math.radians(latitude)), 1e-6)
    dlng = min(radius_km / (KM_PER_DEGREE_LAT * cos_lat), 180)
    return latitude - dlat, latitude + dlat, longitude - dlng, longitude + dlng


class DistanceKm(Func):
    """Haversine distance in km from a fixed point to a row's coordinates, in SQL.

    The same SQL as composing Django's Radians, Sin, Cos, ASin, Sqrt and Power, written as
    one expression: the ORM then resolves, copies and compiles one node instead of about
    thirty, twice per search (the distance and its HAVING), which took 2 ms of each search.
    These SQL functions are PostgreSQL's own; Django registers them on SQLite.
    """

    output_field = FloatField()
    arity = 2  # the row's latitude and longitude

    def __init__(self, latitude, longitude, lat_field="latitude", lng_field="longitude"):
        super().__init__(F(lat_field), F(lng_field))
        self.centre = (float(latitude), float(longitude))

    def as_sql(self, compiler, connection, **extra_context):
        lat_sql, lat_params = compiler.compile(self.source_expressions[0])
        lng_sql, lng_params = compiler.compile(self.source_expressions[1])
        lat, lng = self.centre
        sql = (
            f"(%s * ASIN(SQRT(POWER(SIN(RADIANS({lat_sql} - %s) / 2), 2)"
            f" + COS(RADIANS(%s)) * COS(RADIANS({lat_sql}))"
            f" * POWER(SIN(RADIANS({lng_sql} - %s) / 2), 2))))"
        )
        params = (2 * EARTH_RADIUS_KM, *lat_params, lat, lat, *lat_params, *lng_params, lng)
        return sql, params


def distance_km_expression(latitude, longitude, lat_field="latitude", lng_field="longitude"):
    """Haversine distance in km from a point to the row's coordinates, as an ORM expression."""
    return DistanceKm(latitude, longitude, lat_field, lng_field)


def haversine_km(lat1, lng1, lat2, lng2):
    """The same distance in Python, for tests and the benchmark's baseline."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = math.radians(lat2 - lat1), math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
