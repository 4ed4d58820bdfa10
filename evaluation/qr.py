"""QR codes for the public survey links (segno), as SVG or PNG."""

import io

import segno
from django.conf import settings


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def qr_bytes(url: str, *, kind: str, scale: int = 10) -> bytes:
    """The QR code of the URL as SVG or PNG bytes, with error correction level M and a quiet zone."""
    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    if kind == "svg":
        code.save(buffer, kind="svg", scale=scale, border=4, xmldecl=True, svgns=True, title=url)
    else:
        code.save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
