"""Describes a zip the way tests/layer.test compares it.

usage: layer_zip.py list ZIP      one line per entry, in archive order:
                                  name, Unix mode, DOS date and time (raw),
                                  made-by system, method, local and central
                                  extra-field lengths
       layer_zip.py extract ZIP DIR
                                  extract with Unix modes applied
"""
import os
import stat
import struct
import sys
import zipfile


def describe(path):
    data = open(path, "rb").read()
    with zipfile.ZipFile(path) as z:
        for i in z.infolist():
            off = i.header_offset
            (sig, _ver, _flags, _method, dos_time, dos_date, _crc, _csize,
             _usize, name_len, extra_len) = struct.unpack(
                "<IHHHHHIIIHH", data[off:off + 30])
            if sig != 0x04034B50:
                raise SystemExit("%s: bad local header at %d" % (i.filename, off))
            print("%s %o date=%d time=%d made-by=%d method=%d "
                  "local-extra=%d central-extra=%d" % (
                      i.filename, i.external_attr >> 16, dos_date, dos_time,
                      i.create_system, i.compress_type, extra_len,
                      len(i.extra)))
        bad = z.testzip()
        if bad is not None:
            raise SystemExit("%s: CRC mismatch" % bad)


def extract(path, dest):
    with zipfile.ZipFile(path) as z:
        for i in z.infolist():
            out = z.extract(i, dest)
            mode = i.external_attr >> 16
            if stat.S_ISREG(mode):
                os.chmod(out, stat.S_IMODE(mode))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "list":
        describe(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "extract":
        extract(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
