"""Describes a zip the way tests/layer.test compares it.

usage: layer_zip.py list ZIP      one line per entry, in archive order:
                                  name, Unix mode, DOS date and time (raw),
                                  made-by system, method, the local header's
                                  extra fields ("none", or "pad" for cfngen's
                                  padding field, ID 0x6663, all zeros, else
                                  the IDs in hex) with where the data starts
                                  within a 64 KiB block, and the central
                                  extra length
       layer_zip.py offset ZIP NAME
                                  where NAME's data starts in ZIP
       layer_zip.py place ZIP NAME AT OUT
                                  writes OUT, a zip of NAME alone whose
                                  compressed bytes (as they are in ZIP) start
                                  at offset AT, behind zeros in an extra field
                                  (ID 0x7a7a) of the local header
       layer_zip.py extract ZIP DIR
                                  extract with Unix modes applied
"""
import os
import stat
import struct
import sys
import zipfile


def local_extras(extra):
    """The local extra fields, in words; cfngen's padding field (0x6663,
    "cf") must hold zeros only."""
    words = []
    while extra:
        fid, n = struct.unpack("<HH", extra[:4])
        body, extra = extra[4:4 + n], extra[4 + n:]
        if fid == 0x6663 and body == bytes(n):
            words.append("pad")
        else:
            words.append("%04x" % fid)
    return ",".join(words) or "none"


def data_offset(data, info):
    off = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[off + 26:off + 30])
    return off + 30 + name_len + extra_len


def place(path, name, at, out):
    data = open(path, "rb").read()
    with zipfile.ZipFile(path) as z:
        i = z.getinfo(name)
    start = data_offset(data, i)
    raw = data[start:start + i.compress_size]
    fname = name.encode()
    pad = at - 30 - len(fname) - 4
    if pad < 0 or pad > 65531:
        raise SystemExit("cannot place %s at %d" % (name, at))
    extra = struct.pack("<HH", 0x7A7A, pad) + bytes(pad)
    fixed = (20, 0, i.compress_type, 0, 33, i.CRC, i.compress_size,
             i.file_size, len(fname))
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fixed,
                        len(extra)) + fname + extra
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E,
                          *fixed, 0, 0, 0, 0, 0o100755 << 16, 0) + fname
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central),
                      len(local) + len(raw), 0)
    with open(out, "wb") as f:
        f.write(local + raw + central + end)


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
            extra = data[off + 30 + name_len:off + 30 + name_len + extra_len]
            where = ""
            if extra_len:
                where = " data-at=%d%%65536" % (data_offset(data, i) % 65536)
            print("%s %o date=%d time=%d made-by=%d method=%d "
                  "local-extra=%s%s central-extra=%d" % (
                      i.filename, i.external_attr >> 16, dos_date, dos_time,
                      i.create_system, i.compress_type, local_extras(extra),
                      where, len(i.extra)))
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
    elif len(sys.argv) == 4 and sys.argv[1] == "offset":
        with zipfile.ZipFile(sys.argv[2]) as z:
            print(data_offset(open(sys.argv[2], "rb").read(),
                              z.getinfo(sys.argv[3])))
    elif len(sys.argv) == 6 and sys.argv[1] == "place":
        place(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif len(sys.argv) == 4 and sys.argv[1] == "extract":
        extract(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
