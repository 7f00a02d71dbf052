#!/usr/bin/env python3
"""Write toestemmingsformulier-a.pdf, the fictitious signed consent form of partner A.

The PDF is built by hand with the standard library only: one A4 page using the
built-in Helvetica font, so no font is embedded. A slight rotation, an off-white
background and a few specks make it resemble a scanned paper form. The output
is byte-for-byte reproducible because it has no timestamps and a fixed random seed.

Usage: python3 make-consent-form.py [OUTPUT]   (default: next to this script)
"""

import math
import random
import sys
from pathlib import Path

PAGE_WIDTH = 595  # A4 in PDF points (1/72 inch), rounded from 595.28 x 841.89
PAGE_HEIGHT = 842
LEFT_MARGIN = 72

VALUE_COLUMN_X = 250  # x of the value column for label/value lines

# (font size, extra space above the line in points, text, value or None).
# A value is set at VALUE_COLUMN_X, because Helvetica is proportional and
# spaces cannot align a column. Every line is set in Helvetica.
FORM_LINES = [
    (10, 0, "Praktijk Het Tweede Gesprek - relatiebegeleiding", None),
    (10, 0, "M. Dekker, Registercounsellor  |  Voorbeeldlaan 1, 3811 XX Amersfoort", None),
    (16, 26, "Toestemmingsverklaring uitwisseling van informatie", None),
    (11, 24, "Ondergetekende:", None),
    (11, 8, "Naam cliënt:", "Anouk Hendriks-van Dam"),
    (11, 4, "Registratienummer cliënt:", "2026-041"),
    (11, 4, "Registratienummer paar:", "K-2026-017"),
    (11, 18, "geeft hierbij toestemming dat de counsellor informatie over mij uit mijn dossier", None),
    (11, 2, "deelt met mijn partner Bastiaan Hendriks (registratienummer 2026-042).", None),
    (11, 2, "Dit betreft mijn intake, de verslagen van mijn individuele gesprekken en wat over", None),
    (11, 2, "mij is vastgelegd in de verslagen van de gezamenlijke gesprekken. Persoonlijke", None),
    (11, 2, "werkaantekeningen van de counsellor vallen hier niet onder.", None),
    (11, 14, "Deze toestemming geldt tijdens de begeleiding en ook na afronding van de begeleiding.", None),
    (11, 14, "Geldig tot en met:", "2027-12-31"),
    (11, 4, "Doel:", "inzage in het dossier tijdens en na de begeleiding"),
    (11, 18, "Intrekken: ik kan deze toestemming op elk moment schriftelijk intrekken, per brief", None),
    (11, 2, "of e-mail aan de praktijk. De intrekking geldt vanaf de dag van ontvangst; informatie", None),
    (11, 2, "die al eerder is gedeeld, blijft gedeeld.", None),
    (11, 28, "Datum:  2026-03-16", "Plaats:  Amersfoort"),
    (11, 28, "Handtekening:", None),
]

SIGNATURE_TEXT = "(getekend) A. Hendriks-van Dam"
# Bezier segments of the signature scribble: two control points and an end point
# each, as offsets in points from where the scribble starts above the signature text.
SCRIBBLE_CURVES = [
    [(10, 22), (22, -14), (38, 6)],
    [(52, 24), (60, -10), (84, 2)],
    [(104, 12), (130, -4), (170, 4)],
]
FOOTER_TEXT = "Voorbeelddocument voor kluis - alle namen en gegevens zijn verzonnen."


def escape_pdf_string(text: str) -> bytes:
    """Encode text as a PDF literal string in WinAnsiEncoding (cp1252) with escapes."""
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_operator(size: int, x: float, y: float, text: str) -> str:
    """Return a text object that draws one line of text with its baseline at (x, y)."""
    return "BT /F1 %d Tf %.1f %.1f Td (%s) Tj ET" % (size, x, y, escape_pdf_string(text).decode("latin-1"))


def build_content_stream() -> bytes:
    """Return the page's drawing operators: background, specks, text and signature."""
    ops = []

    # Off-white paper, drawn before the rotation so it covers the whole page.
    ops.append("0.965 0.957 0.93 rg 0 0 %d %d re f" % (PAGE_WIDTH, PAGE_HEIGHT))

    # Rotate everything else by 0.4 degrees around the page centre, like a sheet
    # that was fed into the scanner slightly askew.
    angle = math.radians(0.4)
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    centre_x, centre_y = PAGE_WIDTH / 2, PAGE_HEIGHT / 2
    shift_x = centre_x - (cos_a * centre_x - sin_a * centre_y)
    shift_y = centre_y - (sin_a * centre_x + cos_a * centre_y)
    ops.append("q %.5f %.5f %.5f %.5f %.3f %.3f cm" % (cos_a, sin_a, -sin_a, cos_a, shift_x, shift_y))

    # Scanner dust: small grey specks at fixed pseudo-random places.
    rng = random.Random(17)
    ops.append("0.6 0.6 0.6 rg")
    for _ in range(40):
        x = rng.uniform(20, PAGE_WIDTH - 20)
        y = rng.uniform(20, PAGE_HEIGHT - 20)
        size = rng.uniform(0.4, 1.3)
        ops.append("%.1f %.1f %.1f %.1f re f" % (x, y, size, size))

    # Form text, top down. The y coordinate is the baseline of each line.
    ops.append("0.1 0.1 0.1 rg")
    y = PAGE_HEIGHT - 80
    for size, space_above, text, value in FORM_LINES:
        y -= space_above + size * 1.25
        ops.append(text_operator(size, LEFT_MARGIN, y, text))
        if value is not None:
            ops.append(text_operator(size, VALUE_COLUMN_X, y, value))
    signature_y = y - 34

    # Horizontal rules under the letterhead and under the signature.
    ops.append("0.3 0.3 0.3 RG 0.6 w")
    ops.append("%d %d m %d %d l S" % (LEFT_MARGIN, PAGE_HEIGHT - 110, PAGE_WIDTH - LEFT_MARGIN, PAGE_HEIGHT - 110))
    ops.append("%d %.1f m %d %.1f l S" % (LEFT_MARGIN, signature_y - 8, LEFT_MARGIN + 260, signature_y - 8))

    # Signature in blue "ink": slanted text via a skewed text matrix, plus a scribble.
    ops.append("0.08 0.15 0.55 rg 0.08 0.15 0.55 RG 1.1 w 1 J 1 j")
    signature = escape_pdf_string(SIGNATURE_TEXT).decode("latin-1")
    ops.append("BT /F1 13 Tf 1 0 0.28 1 %d %.1f Tm (%s) Tj ET" % (LEFT_MARGIN + 6, signature_y, signature))
    scribble = ["%.1f %.1f m" % (LEFT_MARGIN + 40, signature_y + 18)]
    for curve in SCRIBBLE_CURVES:
        points = []
        for dx, dy in curve:
            points.append("%.1f %.1f" % (LEFT_MARGIN + 40 + dx, signature_y + 18 + dy))
        scribble.append(" ".join(points) + " c")
    ops.append(" ".join(scribble) + " S")

    # Small footer marking the document as invented.
    ops.append("0.35 0.35 0.35 rg")
    ops.append(text_operator(8, LEFT_MARGIN, 40, FOOTER_TEXT))

    ops.append("Q")
    return ("\n".join(ops) + "\n").encode("latin-1")


def build_pdf() -> bytes:
    """Assemble the PDF file: five objects, a cross-reference table and the trailer."""
    content = build_content_stream()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
            "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT)
        ).encode("ascii"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
    ]

    # Bytes above 127 in the comment on line 2 mark the file as binary, so transfer
    # tools do not rewrite its line endings and break the xref offsets.
    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"

    # Each xref entry must be exactly 20 bytes, including the two-byte line ending.
    xref_offset = len(output)
    output += b"xref\n0 %d\n" % (len(objects) + 1)
    output += b"0000000000 65535 f \n"
    for offset in offsets:
        output += b"%010d 00000 n \n" % offset
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    output += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(output)


def main() -> None:
    default_path = Path(__file__).resolve().parent / "toestemmingsformulier-a.pdf"
    output_path = Path(sys.argv[1]) if len(sys.argv) > 1 else default_path
    output_path.write_bytes(build_pdf())
    print("wrote %s" % output_path)


if __name__ == "__main__":
    main()
