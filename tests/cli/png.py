#!/usr/bin/env python3
"""png.py OUT WIDTH HEIGHT: a real (1-bit, blank) PNG image of that size, for tests."""
import struct
import sys
import zlib


def png(w, h):
    raw = b"".join(b"\x00" + b"\x00" * ((w + 7) // 8) for _ in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    open(sys.argv[1], "wb").write(png(int(sys.argv[2]), int(sys.argv[3])))
