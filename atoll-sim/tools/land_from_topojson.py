#!/usr/bin/env python3
"""Turn world-atlas's land-110m.json (TopoJSON) into report/land-110m.txt, once, at development time.

Usage: land_from_topojson.py land-110m.json > ../src/main/resources/report/land-110m.txt

Each output line is one polygon ring (outer or hole) as "lon,lat lon,lat ..." with one decimal:
the report fills them with the even-odd rule, so holes need no marking. The report only draws a
background map, so 0.1 degree (about 11 km) is finer than a pixel at any size it is drawn.

world-atlas keeps rings whole across the antimeridian (Fiji, Chukotka) and around the south pole
(Antarctica), as a spherical renderer wants them. The report projects them flat, so each such ring
is cut here at longitude +-180 into pieces that each stay on one side.
"""
import json
import sys


def decode_arcs(topology):
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def ring_points(ring, arcs):
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        # Consecutive arcs share their joining point.
        points.extend(arc if not points else arc[1:])
    return points


def rings_of(geometry):
    if geometry["type"] == "Polygon":
        return geometry["arcs"]
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["arcs"] for ring in polygon]
    return []


def unwrap(points):
    """Longitudes made continuous: no step between neighbours is longer than 180 degrees."""
    out = [points[0]]
    for lon, lat in points[1:]:
        previous = out[-1][0]
        while lon - previous > 180:
            lon -= 360
        while lon - previous < -180:
            lon += 360
        out.append((lon, lat))
    return out


def clip(points, keep, cross):
    """Sutherland-Hodgman against one half-plane of longitude: keep(lon) says inside."""
    out = []
    for i, current in enumerate(points):
        previous = points[i - 1]
        if keep(current[0]):
            if not keep(previous[0]):
                out.append(cross(previous, current))
            out.append(current)
        elif keep(previous[0]):
            out.append(cross(previous, current))
    return out


def crossing(at):
    def cross(a, b):
        t = (at - a[0]) / (b[0] - a[0])
        return (at, a[1] + t * (b[1] - a[1]))
    return cross


def split_at_antimeridian(points):
    """The ring as pieces each within longitudes -180..180."""
    ring = unwrap(points)
    closing = ring[0][0] - ring[-1][0]
    # The closing edge would step a whole turn: the ring goes round a pole. Close it over that pole.
    if abs(closing) > 180:
        pole = 90 if sum(lat for _, lat in ring) > 0 else -90
        end = ring[-1][0]
        turn = 360 if closing < 0 else -360
        ring = ring + [(end, pole), (end + turn, pole)]
        ring = [(lon, lat) for lon, lat in ring]
    pieces = []
    for shift in (-720, -360, 0, 360, 720):
        moved = [(lon + shift, lat) for lon, lat in ring]
        piece = clip(moved, lambda lon: lon <= 180, crossing(180))
        piece = clip(piece, lambda lon: lon >= -180, crossing(-180)) if piece else piece
        if len(piece) >= 3:
            pieces.append(piece)
    return pieces


def main():
    with open(sys.argv[1]) as source:
        topology = json.load(source)
    arcs = decode_arcs(topology)
    print("# Land of the world at 1:110m: Natural Earth (public domain), via world-atlas 2.0.2 (ISC).")
    print("# One polygon ring per line, lon,lat pairs in degrees; fill with the even-odd rule.")
    for geometry in topology["objects"]["land"]["geometries"]:
        for ring in rings_of(geometry):
            for piece in split_at_antimeridian(ring_points(ring, arcs)):
                write(piece)


def write(piece):
    rounded = []
    for lon, lat in piece:
        point = (round(lon, 1) + 0.0, round(lat, 1) + 0.0)
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    if len(set(rounded)) >= 3:
        print(" ".join(f"{lon:g},{lat:g}" for lon, lat in rounded))


if __name__ == "__main__":
    main()
