# Lists the Part-10 files pydicom ships as test data, with the attributes the DICOMTests interop test compares.
# One JSON object per line: path, transfer syntax, and the values pydicom reads. Only locally bundled files are
# used (get_testdata_files never downloads). Exit code 3 means pydicom is not installed.
import json
import sys
import warnings

try:
    import pydicom
    from pydicom.data import get_testdata_files
    from pydicom.multival import MultiValue
except ImportError:
    print("pydicom is not installed: run `pip install pydicom`", file=sys.stderr)
    sys.exit(3)

KEYWORDS = ["SOPInstanceUID", "SOPClassUID", "StudyInstanceUID", "SeriesInstanceUID", "PatientID", "PatientName",
            "StudyDate", "Modality"]
INTEGERS = ["InstanceNumber", "Rows", "Columns"]


def text(value):
    if value is None:
        return None
    if isinstance(value, MultiValue):
        return "\\".join(str(v) for v in value)
    return str(value)


warnings.simplefilter("ignore")
for path in sorted(get_testdata_files()):
    try:
        ds = pydicom.dcmread(path)
    except Exception:
        continue
    meta = getattr(ds, "file_meta", None)
    if meta is None or "TransferSyntaxUID" not in meta:
        continue
    record = {"path": path, "transferSyntax": str(meta.TransferSyntaxUID),
              "characterSet": text(ds.get("SpecificCharacterSet")),
              "mediaStorageSOPInstanceUID": text(meta.get("MediaStorageSOPInstanceUID")),
              "mediaStorageSOPClassUID": text(meta.get("MediaStorageSOPClassUID"))}
    for keyword in KEYWORDS:
        element = ds.get(keyword)
        record[keyword] = text(element)
    for keyword in INTEGERS:
        value = ds.get(keyword)
        try:
            record[keyword] = None if value is None or value == "" else int(value)
        except (TypeError, ValueError):
            record[keyword] = None
    print(json.dumps(record, ensure_ascii=False))
