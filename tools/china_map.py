"""Build the province outlines of the destinations page's map from public GeoJSON.

    python tools/china_map.py MAINLAND.json HONGKONG.json MACAO.json TAIWAN.json

Source: Natural Earth 1:10m cultural vectors (public domain, naturalearthdata.com), "Admin 1
– States, Provinces" for the mainland's provinces and "Admin 0 – Countries" for Hong Kong,
Macao and Taiwan, as extracted and pre-simplified by FTChinese/map-geojson (MIT licence,
github.com/FTChinese/map-geojson, files geojson-china/{mainland,hongkong,macao,taiwan}.json).

The shapes are projected (Albers equal-area conic, standard parallels 25°N and 47°N, central
meridian 105°E, the usual projection of maps of China), simplified (Douglas–Peucker at
``TOLERANCE`` pixels, islands smaller than ``MIN_AREA`` square pixels dropped) and written as
SVG path data to app/employment/data/china_provinces.json, keyed by GB/T 2260 province code.

A schematic (示意图) of Natural Earth's boundaries, for an internal chart: it is not a standard
map (标准地图) and has no map review number (审图号); see the README before publishing it.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "app/employment/data/china_provinces.json"
WIDTH = 600.0  # px of the widest extent; the height follows
TOLERANCE = 0.9  # px
MIN_AREA = 6.0  # px²: smaller islands are dropped (the largest ring of a region is kept)
SOURCE = ("Natural Earth 1:10m Admin 0/1 (public domain), via FTChinese/map-geojson (MIT); "
          "built by tools/china_map.py")

# Natural Earth's English names where its ISO field lacks the code.
BY_NAME = {"Fujian": "35", "Hong Kong": "81", "Macao": "82", "Taiwan": "71"}

_P1, _P2, _P0, _L0 = (math.radians(v) for v in (25.0, 47.0, 35.0, 105.0))
_N = (math.sin(_P1) + math.sin(_P2)) / 2
_C = math.cos(_P1) ** 2 + 2 * _N * math.sin(_P1)
_RHO0 = math.sqrt(_C - 2 * _N * math.sin(_P0)) / _N


def albers(lon: float, lat: float) -> tuple[float, float]:
    """Albers equal-area conic on the unit sphere; y grows downwards (SVG)."""
    rho = math.sqrt(_C - 2 * _N * math.sin(math.radians(lat))) / _N
    theta = _N * (math.radians(lon) - _L0)
    return rho * math.sin(theta), -(_RHO0 - rho * math.cos(theta))


def _distance(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iterative (rings have thousands of points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def area(ring: list[tuple[float, float]]) -> float:
    """Unsigned area (shoelace)."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2)
                   in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def polygons(geometry: dict) -> list[list[list[list[float]]]]:
    """The polygons of a Polygon or MultiPolygon (each: outer ring, holes)."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def regions(paths: list[str]) -> dict[str, list[list[tuple[float, float]]]]:
    """{province code: projected rings} from the GeoJSON files (holes are dropped: at this
    size none is visible)."""
    out: dict[str, list[list[tuple[float, float]]]] = {}
    for path in paths:
        for feature in json.loads(Path(path).read_text(encoding="utf-8"))["features"]:
            props, geometry = feature["properties"], feature["geometry"]
            if geometry is None:
                continue
            name = props.get("name") or props.get("NAME") or ""
            iso = str(props.get("iso_3166_2") or "")
            prefix = BY_NAME.get(name) or (iso[3:] if iso[3:].isdigit() else "")
            if not prefix:
                raise SystemExit(f"no province code for {name!r} ({iso!r})")
            for polygon in polygons(geometry):
                out.setdefault(prefix + "0000", []).append(
                    [albers(lon, lat) for lon, lat in polygon[0]])
    return out


def build(paths: list[str]) -> dict:
    """The map's data: size, and per province its path and a label point."""
    shapes = regions(paths)
    xs = [x for rings in shapes.values() for ring in rings for x, _y in ring]
    ys = [y for rings in shapes.values() for ring in rings for _x, y in ring]
    scale = WIDTH / (max(xs) - min(xs))
    height = (max(ys) - min(ys)) * scale
    pad = 4.0

    def px(p: tuple[float, float]) -> tuple[float, float]:
        return (pad + (p[0] - min(xs)) * scale, pad + (p[1] - min(ys)) * scale)

    provinces = []
    for code in sorted(shapes):
        rings = [[px(p) for p in ring] for ring in shapes[code]]
        rings.sort(key=area, reverse=True)
        kept = [rings[0]] + [r for r in rings[1:] if area(r) >= MIN_AREA]
        parts, label = [], (0.0, 0.0)
        for i, ring in enumerate(kept):
            thin = simplify(ring, TOLERANCE)
            if len(thin) < 4:  # a tiny region still shows as a dot-sized triangle
                thin = ring[:: max(1, len(ring) // 4)][:4]
            points = [(round(x, 1), round(y, 1)) for x, y in thin]
            parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z")
            if i == 0:  # the label sits at the largest ring's centre of its points
                label = (round(sum(x for x, _ in points) / len(points), 1),
                         round(sum(y for _, y in points) / len(points), 1))
        provinces.append({"code": code, "d": "".join(parts), "label": label})
    return {"source": SOURCE, "width": round(WIDTH + 2 * pad),
            "height": round(height + 2 * pad), "provinces": provinces}


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit(__doc__)
    data = build(argv[1:])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    print(f"{OUT}: {len(data['provinces'])} regions, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv)
