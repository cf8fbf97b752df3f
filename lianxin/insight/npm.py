"""A static-files finder for the browser libraries installed from npm (package.json → node_modules).

Only the built files the pages load are served and collected (ECharts' one minified file, Leaflet's script,
stylesheet and images), not the ~50 MB of sources and source maps of the packages' dist folders: compressing
those on every ``collectstatic`` would slow each start of ``lianxin serve``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import FileSystemStorage

# URL prefix → (the package's folder under node_modules, the files under it that are served)
PACKAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "echarts": ("echarts/dist", ("echarts.common.min.js",)),  # line, bar, pie and the SVG renderer
    "leaflet": (
        "leaflet/dist",
        (
            "leaflet.js",
            "leaflet.js.map",  # leaflet.js names it; the manifest storage refuses a missing reference
            "leaflet.css",
            "images/layers.png",
            "images/layers-2x.png",
            "images/marker-icon.png",
            "images/marker-icon-2x.png",
            "images/marker-shadow.png",
        ),
    ),
}


class NpmFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        root = settings.BASE_DIR / "node_modules"
        self.storages: dict[str, FileSystemStorage] = {}
        for prefix, (folder, _files) in PACKAGES.items():
            storage = FileSystemStorage(location=root / folder)
            storage.prefix = prefix  # type: ignore[attr-defined]  # collectstatic reads it
            self.storages[prefix] = storage

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        missing = [p for p, s in self.storages.items() if not s.exists(PACKAGES[p][1][0])]
        if not missing:
            return []
        return [
            CheckWarning(
                f"browser libraries not installed: {', '.join(missing)}",
                hint="run ./dev setup (npm ci installs package.json into node_modules)",
                id="lianxin.W001",
            )
        ]

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        find_all = find_all or kwargs.get("all", False)
        prefix, _, rest = path.partition("/")
        storage = self.storages.get(prefix)
        if storage is not None and rest in PACKAGES[prefix][1] and storage.exists(rest):
            found = storage.path(rest)
            return [found] if find_all else found
        return [] if find_all else None

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for prefix, storage in self.storages.items():
            for name in PACKAGES[prefix][1]:
                if storage.exists(name):
                    yield name, storage
