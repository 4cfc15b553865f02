"""Invoice documents: the printable PDF/A-3 with embedded Factur-X, the XML e-invoice, the
GiroCode. Everything is built from the invoice's own snapshot, never from live data.
"""

from rapport.billing.documents.einvoice import einvoice_xml
from rapport.billing.documents.girocode import girocode_svg
from rapport.billing.documents.pdf import render_pdf

__all__ = ["einvoice_xml", "girocode_svg", "render_pdf"]
