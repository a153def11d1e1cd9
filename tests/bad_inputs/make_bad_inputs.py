#!/usr/bin/env python3
"""Write the bad-input corpus files of tests/bad_inputs/ from the fixtures in tests/data/.

Run with plain Python 3 (no PyTorch needed) from anywhere:

    python3 tests/bad_inputs/make_bad_inputs.py

Each file breaks one thing. cases.json gives the lutgen command line for each and the error line
it must print. The
output is byte-identical from run to run. The text files (dumps, labels, JSON, CSV) are written
by hand and kept in the repository as they are; this script writes only the binary checkpoints.
"""

import os
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ONELAYER = os.path.join(REPO, "tests", "data", "zoo", "onelayer")

# Storage keys of the onelayer model's zip checkpoint: 7 is module_list.0.fc.weight (80 float32
# values) and 8 is module_list.0.fc.bias (5 float32 values).
WEIGHT_STORAGE = "model_zip/data/7"
BIAS_STORAGE = "model_zip/data/8"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def rewrite_zip(source, name, patch):
    """Copy the zip checkpoint, entries uncompressed and in order, with patch(entry, bytes) applied."""
    with zipfile.ZipFile(source) as original:
        path = os.path.join(HERE, name)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
            for info in original.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                out.writestr(entry, patch(info.filename, original.read(info.filename)))


def set_float(data, index, value):
    return data[: 4 * index] + struct.pack("<f", value) + data[4 * index + 4 :]


def main():
    zip_checkpoint = os.path.join(ONELAYER, "model_zip.pth")
    legacy_checkpoint = os.path.join(ONELAYER, "model_legacy.pth")

    # Cut in the middle: the central directory at the end of the zip is gone.
    data = read(zip_checkpoint)
    write("truncated_zip.pth", data[: len(data) // 2])

    # Cut inside the last storage of the legacy container.
    data = read(legacy_checkpoint)
    write("truncated_legacy.pth", data[:-6])

    # One flipped byte inside the weight storage: the entry's CRC-32 no longer matches.
    with zipfile.ZipFile(zip_checkpoint) as archive:
        info = archive.getinfo(WEIGHT_STORAGE)
    data = bytearray(read(zip_checkpoint))
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    data[start + 5] ^= 0x40
    write("corrupt_crc.pth", bytes(data))

    # A pickle that would call os.system('id') if it were executed.
    pickle = b"\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03."
    path = os.path.join(HERE, "forbidden_global.pth")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
        out.writestr(zipfile.ZipInfo("archive/data.pkl", date_time=(1980, 1, 1, 0, 0, 0)), pickle)
        out.writestr(zipfile.ZipInfo("archive/version", date_time=(1980, 1, 1, 0, 0, 0)), b"3\n")

    # NaN in weight element 3 (neuron 0, input 3), +inf in the bias of neuron 1.
    rewrite_zip(zip_checkpoint, "nan_weight.pth",
                lambda entry, data: set_float(data, 3, float("nan")) if entry == WEIGHT_STORAGE else data)
    rewrite_zip(zip_checkpoint, "inf_bias.pth",
                lambda entry, data: set_float(data, 1, float("inf")) if entry == BIAS_STORAGE else data)


if __name__ == "__main__":
    main()
