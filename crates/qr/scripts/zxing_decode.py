"""Peer decoder for qr-bench: reads the same grey pixels (binary PGM files) with zxing-cpp.

Usage: python zxing_decode.py < list-of-pgm-paths
Prints one line per file: path, TAB, milliseconds (decode only), then per symbol found a TAB
and "<text as UTF-8 hex>:<raw bytes hex>". Hex keeps any content safe in a line format.
"""

import sys
import time

import zxingcpp


def read_pgm(path):
    """Reads a binary (P5) 8-bit PGM as written by qr-bench: header, then raw luma rows."""
    with open(path, "rb") as f:
        data = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos : pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos : pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    if fields[0] != b"P5" or fields[3] != b"255":
        raise ValueError(f"{path}: not an 8-bit binary PGM")
    width, height = int(fields[1]), int(fields[2])
    pixels = data[pos + 1 : pos + 1 + width * height]
    return memoryview(pixels).cast("B", (height, width))


def main():
    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        image = read_pgm(path)
        start = time.perf_counter()
        found = zxingcpp.read_barcodes(
            image, formats=zxingcpp.BarcodeFormat.QRCode, text_mode=zxingcpp.TextMode.Plain
        )
        ms = (time.perf_counter() - start) * 1000.0
        symbols = [b.text.encode("utf-8").hex() + ":" + bytes(b.bytes).hex() for b in found]
        print("\t".join([path, f"{ms:.4f}"] + symbols), flush=True)


if __name__ == "__main__":
    main()
