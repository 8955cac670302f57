#!/usr/bin/env python3
"""Writes icons/icon.png: a 128x128 RGBA chat-bubble icon, pure stdlib (zlib + struct)."""
import struct
import zlib
from pathlib import Path

SIZE = 128
BLUE = (0x1f, 0x7a, 0xf2, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


def inside_rounded_square(x, y, r=28):
    cx = min(max(x, r), SIZE - 1 - r)
    cy = min(max(y, r), SIZE - 1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def inside_bubble(x, y):
    # An ellipse for the bubble and a small triangle for its tail.
    ex, ey = (x - 64) / 40, (y - 58) / 30
    if ex * ex + ey * ey <= 1:
        return True
    return 40 <= x <= 58 and 78 <= y <= 100 and (x - 40) >= (y - 78) * 0.8


def inside_dot(x, y):
    return any((x - cx) ** 2 + (y - 58) ** 2 <= 36 for cx in (48, 64, 80))


def pixel(x, y):
    if not inside_rounded_square(x, y):
        return CLEAR
    if inside_bubble(x, y) and not inside_dot(x, y):
        return WHITE
    return BLUE


def png(width, height, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    rows = [[pixel(x, y) for x in range(SIZE)] for y in range(SIZE)]
    out = Path(__file__).with_name("icon.png")
    out.write_bytes(png(SIZE, SIZE, rows))
    print(f"wrote {out}")
