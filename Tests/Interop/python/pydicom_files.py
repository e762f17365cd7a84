# Stores every Part-10 file pydicom ships as test data into a running node through STOW-RS, one request per file,
# and checks that each comes back bit-exact through WADO-RS, that QIDO-RS reports what pydicom reads, and that
# WADO-RS metadata agrees with pydicom's DICOM JSON. Files the node must refuse are named here with the Failure
# Reason and the words the Error Comment must contain.
# Usage: python3 pydicom_files.py --url http://127.0.0.1:PORT/dicom-web   (exit 1 on the first mismatch)
import collections
import os
import struct
import sys
import uuid
import warnings

sys.dont_write_bytecode = True  # no __pycache__ in the source tree (SwiftPM would see it)

from interop import Checks, arguments, require_packages  # noqa: E402

require_packages()

import pydicom  # noqa: E402
import requests  # noqa: E402
from pydicom.data import get_testdata_files  # noqa: E402
from pydicom.multival import MultiValue  # noqa: E402

# Failure and Warning Reasons (PS3.18 Table I.2-2, PS3.4 Table B.2-1; Tessera's StoreStatusCode).
CANNOT_UNDERSTAND = 0xC000
DATA_SET_DOES_NOT_MATCH = 0xA900
DUPLICATE_SOP_INSTANCE = 0x0111

# Files pydicom reads lazily although they are malformed, which our reader refuses on purpose (see
# Tests/DICOMTests/PydicomInteropTests.swift, knownMalformed): Failure Reason and words of the Error Comment.
MALFORMED = {
    "MR_truncated.dcm": (CANNOT_UNDERSTAND, "truncated"),
    "rtplan_truncated.dcm": (CANNOT_UNDERSTAND, "truncated"),
    "DICOMDIR-nooffset": (CANNOT_UNDERSTAND, "past the end"),
}

# STOW-RS response attributes (PS3.18 Annex I).
FAILED_SOP_SEQUENCE = "00081198"
REFERENCED_SOP_SEQUENCE = "00081199"
FAILURE_REASON = "00081197"
WARNING_REASON = "00081196"
ERROR_COMMENT = "00000902"

# The instance-level QIDO-RS attributes compared with pydicom: keyword and tag.
COMPARED = [
    ("SOPInstanceUID", "00080018"), ("SOPClassUID", "00080016"), ("StudyInstanceUID", "0020000D"),
    ("SeriesInstanceUID", "0020000E"), ("PatientID", "00100020"), ("Modality", "00080060"),
    ("InstanceNumber", "00200013"), ("StudyDate", "00080020"),
]

# VRs whose values metadata gives as BulkDataURI or InlineBinary: only the VR is compared.
BINARY_VRS = {"OB", "OD", "OF", "OL", "OV", "OW", "UN"}

# The page size of the final listing: small enough to need several pages.
PAGE_SIZE = 25

RETRIEVE_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*'


def candidates():
    """(path, dataset) for each bundled file pydicom reads as Part-10 without force, sorted by path."""
    found = []
    for path in sorted(get_testdata_files()):  # bundled files only: get_testdata_files never downloads
        try:
            dataset = pydicom.dcmread(path)
        except Exception:
            continue
        meta = getattr(dataset, "file_meta", None)
        if meta is None or "TransferSyntaxUID" not in meta:
            continue
        found.append((path, dataset))
    return found


def text(value):
    """An attribute value as QIDO-RS gives it in JSON: text without padding, numbers as text, lists joined."""
    if value is None:
        return ""
    if isinstance(value, (MultiValue, list)):
        return "\\".join(text(item) for item in value)
    if isinstance(value, dict):  # a PN in DICOM JSON
        return value.get("Alphabetic", "")
    return str(value).strip(" \0")


def expected_refusal(name, dataset):
    """(Failure Reason, words of the comment) when the node must refuse this file, else None."""
    if name in MALFORMED:
        return MALFORMED[name]
    missing = [k for k in ["StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID"] if not text(dataset.get(k))]
    if missing:  # the node names the first one missing in this order
        return (DATA_SET_DOES_NOT_MATCH, f"has no {missing[0]}")
    for meta_keyword, keyword in (("MediaStorageSOPInstanceUID", "SOPInstanceUID"),
                                  ("MediaStorageSOPClassUID", "SOPClassUID")):
        declared = text(dataset.file_meta.get(meta_keyword))
        if declared and declared != text(dataset.get(keyword)):  # the meta group names another instance or class
            return (DATA_SET_DOES_NOT_MATCH, "differs from the data set's")
    return None


def store(session, url, data):
    """POSTs one file as a one-part STOW-RS request; returns the status and the single part's item."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode() + data
            + f"\r\n--{boundary}--\r\n".encode())
    response = session.post(
        url + "/studies", data=body,
        headers={"Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
                 "Accept": "application/dicom+json"})
    answer = response.json() if response.content else {}
    items = [item for key in (REFERENCED_SOP_SEQUENCE, FAILED_SOP_SEQUENCE)
             for item in answer.get(key, {}).get("Value", [])]
    return response.status_code, items


def store_all(session, url, files):
    """POSTs every file in one multipart/related request; returns the status and the response's two sequences."""
    boundary = uuid.uuid4().hex
    body = bytearray()
    for _, data in files:
        body += f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    response = session.post(
        url + "/studies", data=bytes(body),
        headers={"Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
                 "Accept": "application/dicom+json"})
    answer = response.json() if response.content else {}
    return (response.status_code, answer.get(REFERENCED_SOP_SEQUENCE, {}).get("Value", []),
            answer.get(FAILED_SOP_SEQUENCE, {}).get("Value", []))


def reason(item, tag):
    values = item.get(tag, {}).get("Value", [])
    return values[0] if values else None


def multipart_parts(response):
    """The part bodies of a multipart/related response, read by the boundary its Content-Type names."""
    content_type = response.headers.get("Content-Type", "")
    boundary = None
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.strip().partition("=")
        if name.lower() == "boundary":
            boundary = value.strip('"')
    if boundary is None:
        raise ValueError(f"no boundary in Content-Type {content_type!r}")
    delimiter = b"\r\n--" + boundary.encode()
    content = b"\r\n" + response.content
    pieces = content.split(delimiter)
    if not pieces[-1].startswith(b"--"):
        raise ValueError("the multipart body has no close delimiter")
    parts = []
    for piece in pieces[1:-1]:
        head, separator, body = piece.partition(b"\r\n\r\n")
        if not separator:
            raise ValueError("a part has no blank line after its headers")
        parts.append(body)
    return parts


def comparable(document):
    """A DICOM JSON object reduced to what two faithful encoders agree on, by tag (group lengths left out).

    Text is compared without padding spaces and an empty value equals null (PS3.18 F.2.5); FL values as 32-bit
    floats, since pydicom prints them widened to 64 bits; IS and DS as numbers; an empty sequence with or without
    an empty Value; binary values by VR only.
    """
    reduced = {}
    for tag, element in document.items():
        if tag.endswith("0000"):
            continue
        vr = str(element.get("vr"))
        values = element.get("Value", [])
        if vr in BINARY_VRS or not values:
            reduced[tag] = (vr, None)
        else:
            reduced[tag] = (vr, [comparable_value(vr, value) for value in values])
    return reduced


def comparable_value(vr, value):
    if value is None:
        return ""
    if vr == "SQ":
        return comparable(value)
    if isinstance(value, str):
        return value.strip(" ")
    if isinstance(value, dict):  # PN components
        return {name: text.strip(" ") for name, text in value.items()}
    if vr == "FL":
        return struct.unpack("<f", struct.pack("<f", value))[0]
    if vr in ("IS", "DS"):
        return float(value)
    return value


def metadata_differences(ours, theirs, where=""):
    """Sentences for each attribute pydicom encodes that the node's metadata gives otherwise.

    Attributes pydicom leaves out of its JSON (values it cannot encode, such as IS "1A") are not compared, nor
    those the node gives as UN where pydicom chose the dictionary's VR: the node keeps the VR the file states.
    """
    differences = []
    for tag, expected in theirs.items():
        found = ours.get(tag)
        if found == expected or (found is not None and found[0] == "UN"):
            continue
        if found is not None and found[0] == expected[0] == "SQ" and len(found[1] or []) == len(expected[1] or []):
            for index, (item, other) in enumerate(zip(found[1] or [], expected[1] or [])):
                differences += metadata_differences(item, other, f"{where}{tag}[{index}].")
            continue
        differences.append(f"{where}{tag} node {str(found)[:100]} pydicom {str(expected)[:100]}")
    return differences


def main():
    url = arguments("pydicom's test files through a node's STOW-RS, WADO-RS and QIDO-RS").url
    checks = Checks()
    session = requests.Session()
    files = candidates()
    checks.expect(len(files) > 100, f"pydicom ships {len(files)} Part-10 files it reads without force",
                  "expected well over 100")
    for name in MALFORMED:
        checks.expect(any(os.path.basename(path) == name for path, _ in files),
                      f"the expected rejection {name} is among them")

    owners = {}  # SOP Instance UID -> (name, bytes, dataset) of the file that stored it first
    stored = []
    refused = 0
    for path, dataset in files:
        name = os.path.relpath(path, os.path.dirname(pydicom.data.__file__))
        short = os.path.basename(path)
        with open(path, "rb") as handle:
            data = handle.read()
        status, items = store(session, url, data)
        checks.expect(len(items) == 1, f"{name}: the STOW-RS answer names one instance", f"{status} {items}")
        item = items[0]
        refusal = expected_refusal(short, dataset)
        uid = text(dataset.get("SOPInstanceUID"))
        owner = owners.get(uid) if refusal is None else None
        if refusal is not None:
            code, words = refusal
            comment = text(item.get(ERROR_COMMENT, {}).get("Value", [""])[0])
            checks.expect(status == 409 and reason(item, FAILURE_REASON) == code and words in comment,
                          f"{name}: refused with Failure Reason {code:#06x} ({words})",
                          f"status {status}, reason {reason(item, FAILURE_REASON)}, comment {comment!r}")
            refused += 1
        elif owner is not None and owner[1] == data:
            checks.expect(status == 202 and reason(item, WARNING_REASON) == DUPLICATE_SOP_INSTANCE,
                          f"{name}: identical to {owner[0]}, stored again as already present (202, a warning)",
                          f"status {status}, item {item}")
        elif owner is not None:
            checks.expect(status == 409 and reason(item, FAILURE_REASON) == DUPLICATE_SOP_INSTANCE,
                          f"{name}: shares SOP Instance UID {uid} with {owner[0]}, refused as a conflict",
                          f"status {status}, item {item}")
            refused += 1
        else:
            # A patient conflict (the PatientID already seen with other names) is a warning: 202, not 200.
            conflict = "patient conflict" in text(item.get(ERROR_COMMENT, {}).get("Value", [""])[0])
            checks.expect(status == (202 if conflict else 200) and reason(item, FAILURE_REASON) is None,
                          f"{name}: stored", f"status {status}, item {item}")
            owners[uid] = (name, data, dataset)
            stored.append((name, data, dataset))

    for name, data, dataset in stored:
        study, series, sop = (text(dataset.get(k)) for k in ("StudyInstanceUID", "SeriesInstanceUID",
                                                             "SOPInstanceUID"))
        response = session.get(f"{url}/studies/{study}/series/{series}/instances/{sop}",
                               headers={"Accept": RETRIEVE_ACCEPT})
        checks.expect(response.status_code == 200, f"{name}: WADO-RS instance retrieve answers",
                      f"{response.status_code} {response.text[:300]}")
        parts = multipart_parts(response)
        checks.expect(len(parts) == 1 and parts[0] == data, f"{name}: WADO-RS returns the file bit-exact",
                      f"{len(parts)} parts, sizes {[len(p) for p in parts]} vs {len(data)}")
        found = session.get(f"{url}/instances", params={"SOPInstanceUID": sop},
                            headers={"Accept": "application/dicom+json"})
        results = found.json() if found.status_code == 200 else []
        checks.expect(len(results) == 1, f"{name}: QIDO-RS finds the instance by SOPInstanceUID",
                      f"{found.status_code} {found.text[:300]}")
        mismatches = []
        for keyword, tag in COMPARED:
            theirs = text(dataset.get(keyword))
            if keyword == "StudyDate":
                theirs = theirs.replace(".", "")  # ACR-NEMA dates "1997.04.24" are catalogued as DA "19970424"
            ours = text(results[0].get(tag, {}).get("Value"))
            if ours != theirs:
                mismatches.append(f"{keyword} node {ours!r} pydicom {theirs!r}")
        checks.expect(not mismatches, f"{name}: QIDO-RS attributes match pydicom", "; ".join(mismatches))
        metadata = session.get(f"{url}/studies/{study}/series/{series}/instances/{sop}/metadata",
                               headers={"Accept": "application/dicom+json"})
        documents = metadata.json() if metadata.status_code == 200 else []
        checks.expect(len(documents) == 1, f"{name}: WADO-RS metadata answers one object",
                      f"{metadata.status_code} {metadata.text[:300]}")
        expected_tags = {f"{int(element.tag):08X}" for element in dataset if element.tag.element != 0}
        found_tags = {tag for tag in documents[0] if not tag.endswith("0000")}
        checks.equal(sorted(found_tags ^ expected_tags), [],
                     f"{name}: metadata lists the same top-level attributes as pydicom (both ways)")
        theirs = comparable(dataset.to_json_dict(bulk_data_threshold=1 << 30, suppress_invalid_tags=True))
        differences = metadata_differences(comparable(documents[0]), theirs)
        checks.expect(not differences, f"{name}: metadata values match pydicom's to_json_dict()",
                      "; ".join(differences[:5]))

    # Every file again, in one request: each part must be answered as it would be alone, now that the node holds
    # the first file of each SOP Instance UID: already present (warning), a conflict, or the same refusal.
    expected, again = collections.Counter(), []
    for path, dataset in files:
        with open(path, "rb") as handle:
            data = handle.read()
        again.append((path, data))
        refusal = expected_refusal(os.path.basename(path), dataset)
        if refusal is not None:
            expected[("failed", refusal[0])] += 1
        elif owners[text(dataset.get("SOPInstanceUID"))][1] == data:
            expected[("referenced", DUPLICATE_SOP_INSTANCE)] += 1
        else:
            expected[("failed", DUPLICATE_SOP_INSTANCE)] += 1
    status, referenced, failed = store_all(session, url, again)
    found = collections.Counter([("referenced", reason(item, WARNING_REASON)) for item in referenced]
                                + [("failed", reason(item, FAILURE_REASON)) for item in failed])
    checks.expect(status == 202 and found == expected,
                  f"all {len(files)} files again in one STOW-RS request: each part answered as alone (202)",
                  f"status {status}, answered {dict(found)}, expected {dict(expected)}")
    listed, offset = [], 0
    while True:  # QIDO-RS in pages of PAGE_SIZE: the catalog holds exactly the instances stored, each once
        page = session.get(f"{url}/instances", params={"limit": PAGE_SIZE, "offset": offset},
                           headers={"Accept": "application/dicom+json"})
        results = page.json() if page.status_code == 200 and page.content else []
        listed += [text(result.get("00080018", {}).get("Value")) for result in results]
        offset += PAGE_SIZE
        if len(results) < PAGE_SIZE:
            break
    checks.equal(sorted(listed), sorted(owners), f"QIDO-RS /instances in pages of {PAGE_SIZE} lists each stored "
                 "instance once, after the repeated request")
    checks.expect(len(stored) + refused <= len(files) and len(stored) > 90,
                  f"{len(stored)} distinct instances stored, {refused} refused as expected")
    checks.done()


if __name__ == "__main__":
    warnings.simplefilter("ignore")  # pydicom warns about the oddities these files exist to show
    main()
