"""SVG post-processing: <title> tooltips, content marked translate="no", markup for inlining."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


def add_titles(data: bytes, titles: dict[str, str]) -> bytes:
    """Give each element whose id is a key a <title> child (browsers show it on hover)."""
    if not titles:
        return data
    root = ET.fromstring(data)
    for element in root.iter():
        text = titles.get(element.get("id", ""))
        if text is not None:
            title = ET.Element(f"{{{SVG_NS}}}title")
            title.text = text
            element.insert(0, title)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def mark_content(data: bytes, prefixes: tuple[str, ...]) -> bytes:
    """Mark elements whose id starts with one of `prefixes` translate="no": content, as written."""
    root = ET.fromstring(data)
    found = [e for e in root.iter() if e.get("id", "").startswith(prefixes)]
    if not found:
        return data
    for element in found:
        element.set("translate", "no")
    marked: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return marked


_REFS = re.compile(r'(\bid="|url\(#|href="#)')


def inline(data: bytes, prefix: str) -> str:
    """The <svg> element alone, its ids prefixed so that two pictures in one page never clash."""
    text = data.decode("utf-8")
    return _REFS.sub(lambda m: m.group(1) + prefix + "-", text[text.index("<svg") :])
