"""Open311 GeoReport v2 XML: the spec's element names, and booleans as lowercase ``true``/``false``."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any
from xml.sax.xmlreader import AttributesImpl

from django.utils.encoding import force_str
from django.utils.xmlutils import SimplerXMLGenerator
from rest_framework.renderers import JSONRenderer
from rest_framework_xml.renderers import XMLRenderer

NO_ATTRS = AttributesImpl({})
# Characters XML 1.0 forbids (Django's writer refuses them); "\x0b" and the like come pasted from Word.
XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# The element of each item inside a list element, as the spec's examples write them.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


class Open311XMLRenderer(XMLRenderer):
    """The view names the root element (``xml_root``); a list's items take the singular of its name."""

    media_type = "text/xml"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        if data is None:
            return ""
        view = (renderer_context or {}).get("view")
        root = getattr(view, "xml_root", "root")
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            root = "errors"
        stream = StringIO()
        xml = SimplerXMLGenerator(stream, self.charset)
        xml.startDocument()
        xml.startElement(root, NO_ATTRS)
        self._write(xml, data, root)
        xml.endElement(root)
        xml.endDocument()
        return stream.getvalue()

    def _write(self, xml: SimplerXMLGenerator, data: Any, parent: str) -> None:
        if isinstance(data, list | tuple):
            tag = ITEM_TAGS.get(parent, "item")
            for item in data:
                xml.startElement(tag, NO_ATTRS)
                self._write(xml, item, tag)
                xml.endElement(tag)
        elif isinstance(data, dict):
            for key, value in data.items():
                xml.startElement(key, NO_ATTRS)
                self._write(xml, value, key)
                xml.endElement(key)
        elif isinstance(data, bool):
            xml.characters("true" if data else "false")
        elif data is not None:
            xml.characters(XML_FORBIDDEN.sub("", force_str(data)))


class Open311JSONRenderer(JSONRenderer):
    """Plain JSON (no browsable page): what GeoReport clients parse."""

    charset = "utf-8"
