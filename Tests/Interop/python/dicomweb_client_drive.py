# Drives a running node only with dicomweb-client and pydicom: generates a few studies (patients, CT and MR, dates,
# series, instances with pixel data), stores them, searches at each level with several filters, retrieves studies,
# series, instances, metadata and bulk data and compares them with the originals, and checks error answers.
# Usage: python3 dicomweb_client_drive.py --url http://127.0.0.1:PORT/dicom-web   (exit 1 on the first mismatch)
import copy
import io
import random
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree (SwiftPM would see it)

from interop import Checks, arguments, multipart_parts, require_packages  # noqa: E402

require_packages()

import pydicom  # noqa: E402
import requests  # noqa: E402
from dicomweb_client.api import DICOMwebClient  # noqa: E402
from pydicom.dataset import FileDataset, FileMetaDataset  # noqa: E402
from pydicom.data import get_testdata_file  # noqa: E402
from pydicom.uid import (  # noqa: E402
    CTImageStorage, DeflatedExplicitVRLittleEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian, MRImageStorage,
    PYDICOM_IMPLEMENTATION_UID, generate_uid)

ROWS = 16

# The studies generated: key, patient ID, patient name, date, description, transfer syntax, series (modality and
# instance count). Every UID is derived from the key, so a run is reproducible.
STUDIES = [
    ("S1", "IOP-001", "INTEROP^ALICE", "20200105", "Chest CT", ExplicitVRLittleEndian, [("CT", 3), ("CT", 2)]),
    ("S2", "IOP-001", "INTEROP^ALICE", "20230301", "Brain MR", ImplicitVRLittleEndian, [("MR", 3)]),
    ("S3", "IOP-002", "INTEROP^BOB", "20210610", "Abdomen CT MR", ExplicitVRLittleEndian, [("CT", 2), ("MR", 2)]),
    ("S4", "IOP-003", "OTHER^CAROL", "20240815", "Knee MR", ExplicitVRLittleEndian, [("MR", 2)]),
]

# A study stored last, with larger images, through a client whose 64 KiB chunk size makes it upload with chunked
# transfer encoding and read retrieves as a stream: rows and columns, and the chunk size.
LARGE_STUDY = ("S5", "IOP-004", "INTEROP^DAVE", "20190707", "Pelvis CT", ExplicitVRLittleEndian, [("CT", 3)])
LARGE_SIZE = 512
CHUNK_BYTES = 64 << 10

# The attributes compared between retrieved metadata and pydicom's to_json_dict() of the original.
METADATA_TAGS = ["00080016", "00080018", "00080020", "00080060", "00081030", "0008103E", "00100010", "00100020",
                 "0020000D", "0020000E", "00200011", "00200013", "00280010", "00280011", "00280100"]


def uid(*parts):
    return generate_uid(entropy_srcs=["tessera-interop", *parts])


def make_instance(study, series_index, modality, number, rng, size=ROWS):
    """One Part-10 instance as a pydicom FileDataset."""
    key, patient_id, patient_name, date, description, syntax, _ = study
    sop_class = CTImageStorage if modality == "CT" else MRImageStorage
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = uid(key, str(series_index), str(number))
    meta.TransferSyntaxUID = syntax
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    ds = FileDataset(f"{key}-{series_index}-{number}.dcm", {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyDate = date
    ds.StudyTime = "101500"
    ds.AccessionNumber = f"ACC-{key}"
    ds.Modality = modality
    ds.StudyDescription = description
    ds.SeriesDescription = f"{modality} series {series_index + 1}"
    ds.PatientName = patient_name
    ds.PatientID = patient_id
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "O"
    ds.StudyInstanceUID = uid(key)
    ds.SeriesInstanceUID = uid(key, str(series_index))
    ds.StudyID = key
    ds.SeriesNumber = series_index + 1
    ds.InstanceNumber = number
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = size
    ds.Columns = size
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.PixelData = rng.randbytes(size * size * 2)
    ds["PixelData"].VR = "OW"
    return ds


def generate():
    """Every instance of STUDIES, in order, with the study key and series index of each."""
    rng = random.Random(4)
    made = []
    for study in STUDIES:
        for series_index, (modality, count) in enumerate(study[6]):
            for number in range(1, count + 1):
                made.append((study[0], series_index, make_instance(study, series_index, modality, number, rng)))
    return made


def encoded(dataset):
    """The bytes pydicom writes for `dataset`, as dicomweb-client's store_instances does."""
    with io.BytesIO() as buffer:
        pydicom.dcmwrite(buffer, dataset)
        return buffer.getvalue()


def values(results, tag):
    """The first value of `tag` in each DICOM JSON result, as a sorted list (PN as its Alphabetic text)."""
    found = []
    for result in results:
        value = result.get(tag, {}).get("Value", [None])[0]
        found.append(value.get("Alphabetic") if isinstance(value, dict) else value)
    return sorted(found, key=str)


class Run:
    """The generated instances, the client and the checks."""

    def __init__(self, url):
        self.url = url
        self.client = DICOMwebClient(url=url)
        self.checks = Checks()
        self.instances = generate()
        self.study_uid = {key: uid(key) for key, *_ in STUDIES}
        self.by_sop = {str(ds.SOPInstanceUID): ds for _, _, ds in self.instances}

    def of(self, *keys):
        return sorted(self.study_uid[key] for key in keys)

    def series_uids(self, predicate):
        return sorted({str(ds.SeriesInstanceUID) for key, index, ds in self.instances if predicate(key, index, ds)})

    def sops(self, predicate):
        return sorted(str(ds.SOPInstanceUID) for key, index, ds in self.instances if predicate(key, index, ds))

    def studies_found(self, message, expected_keys, **arguments):
        found = self.client.search_for_studies(**arguments)
        self.checks.equal(values(found, "0020000D"), self.of(*expected_keys), message)
        return found

    def expect_status(self, status, message, call):
        """Runs `call`, which must raise dicomweb-client's HTTPError with `status`."""
        try:
            call()
        except requests.exceptions.HTTPError as error:
            found = error.response.status_code if error.response is not None else None
            body = error.response.text[:200] if error.response is not None else ""
            self.checks.expect(found == status, message, f"status {found}: {body}")
            return
        self.checks.fail(f"{message}: the call succeeded")

    # MARK: - Store

    def store(self):
        first = [ds for key, _, ds in self.instances if key != "S4"]
        answer = self.client.store_instances(first)
        referenced = [str(item.ReferencedSOPInstanceUID) for item in answer.get("ReferencedSOPSequence", [])]
        self.checks.equal(sorted(referenced), sorted(str(ds.SOPInstanceUID) for ds in first),
                          "store_instances of three studies in one request references every instance")
        self.checks.expect(not answer.get("FailedSOPSequence"), "and fails none", str(answer))
        last = [ds for key, _, ds in self.instances if key == "S4"]
        answer = self.client.store_instances(last, study_instance_uid=self.study_uid["S4"])
        self.checks.equal(len(answer.get("ReferencedSOPSequence", [])), len(last),
                          "store_instances to /studies/{S4} stores that study")
        again = self.client.store_instances(last[:1])
        warnings = [item.get("WarningReason") for item in again.get("ReferencedSOPSequence", [])]
        self.checks.equal(warnings, [0x0111], "storing an instance again is 'already present' (warning 0111)")
        bad = make_instance(STUDIES[0], 7, "CT", 1, random.Random(1))
        del bad.StudyInstanceUID
        self.expect_status(409, "an instance without a StudyInstanceUID is refused with 409",
                           lambda: self.client.store_instances([bad]))

    # MARK: - Search

    def search_studies(self):
        everything = self.studies_found("search_for_studies finds the four studies", ["S1", "S2", "S3", "S4"])
        by_uid = {result["0020000D"]["Value"][0]: result for result in everything}
        for key, patient_id, patient_name, date, *_ in STUDIES:
            result = by_uid[self.study_uid[key]]
            instances = [ds for k, _, ds in self.instances if k == key]
            found = {tag: values([result], tag)[0] for tag in ["00100020", "00100010", "00080020", "00201206",
                                                               "00201208", "00080050"]}
            modalities = sorted(result.get("00080061", {}).get("Value", []))
            expected = {"00100020": patient_id, "00100010": patient_name, "00080020": date,
                        "00201206": len({str(ds.SeriesInstanceUID) for ds in instances}),
                        "00201208": len(instances), "00080050": f"ACC-{key}"}
            self.checks.equal(found, expected, f"study {key}: patient, date, accession and counts")
            self.checks.equal(modalities, sorted({ds.Modality for ds in instances}), f"study {key}: ModalitiesInStudy")
            self.checks.expect("00081030" not in result, f"study {key}: StudyDescription only when included")
        self.studies_found("PatientID=IOP-001", ["S1", "S2"], search_filters={"PatientID": "IOP-001"})
        self.studies_found("PatientName=INTEROP^* (wildcard)", ["S1", "S2", "S3"],
                           search_filters={"PatientName": "INTEROP^*"})
        self.studies_found("PatientName=*CAROL (leading wildcard)", ["S4"], search_filters={"PatientName": "*CAROL"})
        self.studies_found("PatientName=INTEROP^B?B (single-character wildcard)", ["S3"],
                           search_filters={"PatientName": "INTEROP^B?B"})
        self.studies_found("StudyDate=20210101-20231231", ["S2", "S3"],
                           search_filters={"StudyDate": "20210101-20231231"})
        self.studies_found("StudyDate=-20201231 (open start)", ["S1"], search_filters={"StudyDate": "-20201231"})
        self.studies_found("StudyDate=20240101- (open end)", ["S4"], search_filters={"StudyDate": "20240101-"})
        self.studies_found("StudyDate=20210610 (one day)", ["S3"], search_filters={"StudyDate": "20210610"})
        self.studies_found("ModalitiesInStudy=MR", ["S2", "S3", "S4"], search_filters={"ModalitiesInStudy": "MR"})
        self.studies_found("ModalitiesInStudy=CT", ["S1", "S3"], search_filters={"ModalitiesInStudy": "CT"})
        self.studies_found("ModalitiesInStudy=MR\\XA (either value)", ["S2", "S3", "S4"],
                           search_filters={"ModalitiesInStudy": "MR\\XA"})
        self.studies_found("StudyInstanceUID=S1,S4 (UID list)", ["S1", "S4"],
                           search_filters={"StudyInstanceUID": f"{self.study_uid['S1']},{self.study_uid['S4']}"})
        self.studies_found("fuzzymatching=true is ignored (with a warning), not an error", ["S3"],
                           fuzzymatching=True, search_filters={"PatientID": "IOP-002"})
        self.studies_found("PatientID=IOP-001 and ModalitiesInStudy=CT", ["S1"],
                           search_filters={"PatientID": "IOP-001", "ModalitiesInStudy": "CT"})
        self.studies_found("StudyInstanceUID of S3", ["S3"], search_filters={"StudyInstanceUID": self.study_uid["S3"]})
        self.studies_found("PatientID=NOBODY finds nothing", [], search_filters={"PatientID": "NOBODY"})
        self.studies_found("AccessionNumber=ACC-S2", ["S2"], search_filters={"AccessionNumber": "ACC-S2"})
        self.studies_found("StudyTime=100000-110000 (time range)", ["S1", "S2", "S3", "S4"],
                           search_filters={"StudyTime": "100000-110000"})
        self.studies_found("StudyTime=1100-", [], search_filters={"StudyTime": "1100-"})
        self.studies_found("StudyDescription=*MR* (an attribute not returned by default)", ["S2", "S3", "S4"],
                           search_filters={"StudyDescription": "*MR*"})
        pages = [self.client.search_for_studies(limit=2, offset=offset) for offset in (0, 2, 4)]
        self.checks.equal([len(page) for page in pages], [2, 2, 0], "limit=2 pages through offsets 0, 2, 4")
        self.checks.equal(sorted(values(pages[0] + pages[1], "0020000D")), self.of("S1", "S2", "S3", "S4"),
                          "the pages are disjoint and cover every study")
        paged = self.client.search_for_studies(limit=1, get_remaining=True)
        self.checks.equal(values(paged, "0020000D"), self.of("S1", "S2", "S3", "S4"),
                          "get_remaining with limit=1 walks every study once")
        included = self.client.search_for_studies(fields=["StudyDescription"], search_filters={"PatientID": "IOP-002"})
        self.checks.equal(values(included, "00081030"), ["Abdomen CT MR"], "includefield=StudyDescription")
        included = self.client.search_for_studies(fields=["all"], search_filters={"PatientID": "IOP-003"})
        self.checks.equal(values(included, "00081030"), ["Knee MR"], "includefield=all")
        included = self.client.search_for_studies(fields=["00081030", "IssuerOfPatientID"],
                                                  search_filters={"PatientID": "IOP-001"})
        self.checks.expect(all("00081030" in result and "00100021" in result for result in included)
                           and sorted(values(included, "00081030")) == ["Brain MR", "Chest CT"],
                           "includefield by tag and by keyword, repeated", str(included)[:300])

    def search_series(self):
        found = self.client.search_for_series(study_instance_uid=self.study_uid["S1"])
        self.checks.equal(values(found, "0020000E"), self.series_uids(lambda k, i, ds: k == "S1"),
                          "search_for_series in study S1 finds its two series")
        self.checks.equal(values(found, "00201209"), [2, 3], "with NumberOfSeriesRelatedInstances")
        self.checks.equal(values(found, "00200011"), [1, 2], "and SeriesNumber")
        self.checks.equal(values(found, "00080060"), ["CT", "CT"], "and Modality")
        found = self.client.search_for_series(search_filters={"Modality": "MR"})
        self.checks.equal(values(found, "0020000E"), self.series_uids(lambda k, i, ds: ds.Modality == "MR"),
                          "search_for_series Modality=MR across studies")
        one = self.series_uids(lambda k, i, ds: k == "S3" and i == 1)
        found = self.client.search_for_series(search_filters={"SeriesInstanceUID": one[0]})
        self.checks.equal(values(found, "0020000E"), one, "search_for_series SeriesInstanceUID=")
        found = self.client.search_for_series(study_instance_uid=self.study_uid["S3"],
                                              search_filters={"Modality": "CT"})
        self.checks.equal(values(found, "0020000E"), self.series_uids(lambda k, i, ds: k == "S3" and i == 0),
                          "search_for_series in study S3 with Modality=CT")
        found = self.client.search_for_series(search_filters={"SeriesDescription": "MR*"})
        self.checks.equal(values(found, "0020000E"), self.series_uids(lambda k, i, ds: ds.Modality == "MR"),
                          "search_for_series SeriesDescription=MR* (wildcard on a series attribute)")
        found = self.client.search_for_series(search_filters={"PatientID": "IOP-001"}, limit=2, offset=1)
        self.checks.equal(len(found), 2, "search_for_series PatientID=IOP-001 limit=2 offset=1 (3 series)")
        found = self.client.search_for_series(fields=["SeriesDescription"],
                                              search_filters={"SeriesInstanceUID": one[0]})
        self.checks.equal(values(found, "0008103E"), ["MR series 2"], "includefield=SeriesDescription")

    def search_instances(self):
        s1 = self.study_uid["S1"]
        series = self.series_uids(lambda k, i, ds: k == "S1" and i == 0)[0]
        found = self.client.search_for_instances(study_instance_uid=s1, series_instance_uid=series)
        self.checks.equal(values(found, "00080018"), self.sops(lambda k, i, ds: k == "S1" and i == 0),
                          "search_for_instances in one series")
        self.checks.equal(values(found, "00200013"), [1, 2, 3], "with InstanceNumber")
        self.checks.equal(values(found, "00280010"), [ROWS] * 3, "and Rows")
        found = self.client.search_for_instances(study_instance_uid=s1)
        self.checks.equal(values(found, "00080018"), self.sops(lambda k, i, ds: k == "S1"),
                          "search_for_instances in study S1")
        found = self.client.search_for_instances()
        self.checks.equal(values(found, "00080018"), sorted(self.by_sop), "search_for_instances of everything")
        found = self.client.search_for_instances(limit=5, get_remaining=True)
        self.checks.equal(values(found, "00080018"), sorted(self.by_sop), "in pages of 5 with get_remaining")
        sop = self.sops(lambda k, i, ds: k == "S2")[1]
        found = self.client.search_for_instances(search_filters={"SOPInstanceUID": sop})
        original = self.by_sop[sop]
        self.checks.equal(
            [values(found, tag)[0] for tag in ["0020000D", "0020000E", "00080016", "00200013"]],
            [original.StudyInstanceUID, original.SeriesInstanceUID, original.SOPClassUID, original.InstanceNumber],
            "search_for_instances SOPInstanceUID= returns its study, series, class and number")
        mr_series = self.series_uids(lambda k, i, ds: k == "S3" and i == 1)[0]
        found = self.client.search_for_instances(search_filters={"SeriesInstanceUID": mr_series})
        self.checks.equal(values(found, "00080018"), self.sops(lambda k, i, ds: k == "S3" and i == 1),
                          "search_for_instances SeriesInstanceUID=")
        found = self.client.search_for_instances(search_filters={"Modality": "MR", "PatientID": "IOP-002"})
        self.checks.equal(values(found, "00080018"), self.sops(lambda k, i, ds: k == "S3" and ds.Modality == "MR"),
                          "search_for_instances Modality=MR and PatientID=IOP-002")
        found = self.client.search_for_instances(search_filters={"InstanceNumber": "3"})
        self.checks.equal(values(found, "00080018"), self.sops(lambda k, i, ds: ds.InstanceNumber == 3),
                          "search_for_instances InstanceNumber=3")

    # MARK: - Retrieve

    def same(self, retrieved, message):
        """Each retrieved dataset equals its original and writes the same bytes."""
        found = sorted(str(ds.SOPInstanceUID) for ds in retrieved)
        originals = [self.by_sop.get(str(ds.SOPInstanceUID)) for ds in retrieved]
        differing = [str(ds.SOPInstanceUID) for ds, original in zip(retrieved, originals)
                     if original is None or ds != original or encoded(ds) != encoded(original)
                     or ds.file_meta.TransferSyntaxUID != original.file_meta.TransferSyntaxUID]
        self.checks.expect(not differing, message, f"{len(differing)} of {len(found)} differ: {differing[:3]}")
        return found

    def retrieve(self):
        for key, *_ in STUDIES:
            retrieved = self.client.retrieve_study(self.study_uid[key])
            found = self.same(retrieved, f"retrieve_study {key}: every instance equals its original")
            self.checks.equal(found, self.sops(lambda k, i, ds: k == key), f"retrieve_study {key}: all instances")
        study, series = self.study_uid["S3"], self.series_uids(lambda k, i, ds: k == "S3" and i == 1)[0]
        retrieved = self.client.retrieve_series(study, series)
        found = self.same(retrieved, "retrieve_series S3 MR: every instance equals its original")
        self.checks.equal(found, self.sops(lambda k, i, ds: k == "S3" and i == 1), "retrieve_series: all instances")
        for sop in self.sops(lambda k, i, ds: k == "S2"):
            original = self.by_sop[sop]
            retrieved = self.client.retrieve_instance(study_instance_uid=str(original.StudyInstanceUID),
                                                      series_instance_uid=str(original.SeriesInstanceUID),
                                                      sop_instance_uid=sop)
            self.same([retrieved], f"retrieve_instance {sop} (Implicit VR) equals its original")

    def negotiate(self):
        """Accept headers dicomweb-client builds from media_types: the stored syntax or '*' as stored; another
        native syntax transcoded, equal element by element to pydicom's own conversion; a compressed one 406."""
        explicit = (("application/dicom", str(ExplicitVRLittleEndian)),)
        retrieved = self.client.retrieve_study(self.study_uid["S1"], media_types=explicit)
        self.same(retrieved, "retrieve_study S1 asking for Explicit VR Little Endian (as stored)")
        retrieved = self.client.retrieve_study(self.study_uid["S4"], media_types=(("application/dicom", "*"),))
        self.same(retrieved, "retrieve_study S4 asking for transfer-syntax=*")
        # dicomweb-client asks for instances only in Explicit VR Little Endian among the native syntaxes.
        retrieved = self.client.retrieve_study(self.study_uid["S2"], media_types=explicit)
        self.transcoded(retrieved, ExplicitVRLittleEndian, "retrieve_study S2 (stored Implicit VR) in Explicit VR")
        # dicomweb-client does not ask for the deflated syntax; requests does, and pydicom reads the parts.
        answer = requests.get(f"{self.url}/studies/{self.study_uid['S2']}", headers={
            "Accept": f'multipart/related; type="application/dicom"; transfer-syntax={DeflatedExplicitVRLittleEndian}'})
        retrieved = [pydicom.dcmread(io.BytesIO(part)) for part in multipart_parts(answer)]
        self.transcoded(retrieved, DeflatedExplicitVRLittleEndian, "retrieve_study S2 (Implicit VR) deflated")
        self.deflated_stored()
        jpeg = (("application/dicom", "1.2.840.10008.1.2.4.50"),)
        self.expect_status(406, "retrieve_study S2 asking only for JPEG Baseline (no codec) is 406",
                           lambda: self.client.retrieve_study(self.study_uid["S2"], media_types=jpeg))

    def deflated_stored(self):
        """pydicom's deflated test file is stored as sent, retrieved as stored, and inflated on request."""
        original = pydicom.dcmread(get_testdata_file("image_dfl.dcm"))
        self.client.store_instances([original])
        uids = dict(study_instance_uid=str(original.StudyInstanceUID),
                    series_instance_uid=str(original.SeriesInstanceUID), sop_instance_uid=str(original.SOPInstanceUID))
        for syntax in (DeflatedExplicitVRLittleEndian, ExplicitVRLittleEndian):
            answer = requests.get(f"{self.url}/wado", params={
                "requestType": "WADO", "studyUID": uids["study_instance_uid"],
                "seriesUID": uids["series_instance_uid"], "objectUID": uids["sop_instance_uid"],
                "contentType": "application/dicom", "transferSyntax": str(syntax)})
            retrieved = pydicom.dcmread(io.BytesIO(answer.content))
            differing = [str(element.tag) for element in original if retrieved.get(element.tag) != element]
            self.checks.expect(retrieved.file_meta.TransferSyntaxUID == syntax and not differing,
                               f"image_dfl.dcm (stored deflated) retrieved in {syntax.name}, element for element",
                               f"{retrieved.file_meta.TransferSyntaxUID}, differing {differing[:5]}")

    def transcoded(self, retrieved, syntax, message):
        """Each retrieved dataset is in `syntax` and equals, element by element, pydicom's conversion of its
        original to that syntax (written by pydicom, read back)."""
        differing = []
        for ds in retrieved:
            original = self.by_sop.get(str(ds.SOPInstanceUID))
            if original is None or ds.file_meta.TransferSyntaxUID != syntax:
                differing.append(str(ds.SOPInstanceUID))
                continue
            converted = copy.deepcopy(original)
            converted.file_meta.TransferSyntaxUID = syntax
            buffer = io.BytesIO()
            converted.save_as(buffer, implicit_vr=syntax.is_implicit_VR, little_endian=syntax.is_little_endian,
                              enforce_file_format=True)
            reference = pydicom.dcmread(io.BytesIO(buffer.getvalue()))
            if any(ds.get(element.tag) is None or ds[element.tag].value != element.value
                   for element in reference if element.tag != 0x7FE00010):
                differing.append(str(ds.SOPInstanceUID))
            # pydicom keeps Pixel Data bytes as written; in big endian ours are swapped word by word (OW).
            pixels = bytes(ds.PixelData)
            if not syntax.is_little_endian:
                pixels = b"".join(pixels[i + 1:i + 2] + pixels[i:i + 1] for i in range(0, len(pixels), 2))
            if pixels != bytes(original.PixelData):
                differing.append(f"{ds.SOPInstanceUID} (pixels)")
        self.checks.expect(retrieved and not differing, message + ": transcoded as pydicom converts",
                           f"{len(differing)} of {len(retrieved)} differ: {differing[:3]}")

    def compare_metadata(self, documents, message):
        mismatches = []
        for document in documents:
            sop = document.get("00080018", {}).get("Value", [None])[0]
            original = self.by_sop.get(sop)
            if original is None:
                mismatches.append(f"unknown instance {sop}")
                continue
            theirs = original.to_json_dict()
            for tag in METADATA_TAGS:
                if document.get(tag) != theirs.get(tag):
                    mismatches.append(f"{sop} {tag}: {document.get(tag)} vs pydicom {theirs.get(tag)}")
            pixel = document.get("7FE00010", {})
            if pixel.get("vr") != "OW" or ("BulkDataURI" not in pixel and "InlineBinary" not in pixel):
                mismatches.append(f"{sop} PixelData: {pixel}")
        self.checks.expect(not mismatches, message, "; ".join(mismatches[:5]))

    def metadata(self):
        study = self.study_uid["S1"]
        documents = self.client.retrieve_study_metadata(study)
        self.checks.equal(sorted(values(documents, "00080018")), self.sops(lambda k, i, ds: k == "S1"),
                          "retrieve_study_metadata S1 has every instance")
        self.compare_metadata(documents, "retrieve_study_metadata matches to_json_dict() on the main attributes")
        series = self.series_uids(lambda k, i, ds: k == "S1" and i == 1)[0]
        documents = self.client.retrieve_series_metadata(study, series)
        self.checks.equal(sorted(values(documents, "00080018")), self.sops(lambda k, i, ds: k == "S1" and i == 1),
                          "retrieve_series_metadata has the series' instances")
        self.compare_metadata(documents, "retrieve_series_metadata matches to_json_dict()")
        sop = self.sops(lambda k, i, ds: k == "S1" and i == 1)[0]
        document = self.client.retrieve_instance_metadata(study, series, sop)
        self.compare_metadata([document], "retrieve_instance_metadata matches to_json_dict()")
        uri = document.get("7FE00010", {}).get("BulkDataURI")
        if uri is not None:
            # dicomweb-client sends "Host: 127.0.0.1" without the port (its workaround for a requests bug); the node
            # adds its port, so the absolute link still leads back to it.
            self.checks.expect(uri.startswith(self.url + "/studies/"), "the BulkDataURI points into this node", uri)
            parts = self.client.retrieve_bulkdata(uri)
            self.checks.equal([bytes(part) for part in parts], [self.by_sop[sop].PixelData],
                              "retrieve_bulkdata of the PixelData BulkDataURI returns the original pixels")

    # MARK: - Chunked upload, streamed retrieve

    def chunked(self):
        """A larger study through a client with a small chunk size: chunked STOW-RS, streamed WADO-RS."""
        client = DICOMwebClient(url=self.url, chunk_size=CHUNK_BYTES)
        rng = random.Random(5)
        key = LARGE_STUDY[0]
        large = [make_instance(LARGE_STUDY, 0, "CT", number, rng, size=LARGE_SIZE) for number in (1, 2, 3)]
        for ds in large:
            self.instances.append((key, 0, ds))
            self.by_sop[str(ds.SOPInstanceUID)] = ds
        self.study_uid[key] = uid(key)
        answer = client.store_instances(large)
        self.checks.equal(len(answer.get("ReferencedSOPSequence", [])), len(large),
                          f"store_instances of {len(large)} instances of {LARGE_SIZE}x{LARGE_SIZE} in "
                          f"{CHUNK_BYTES >> 10} KiB chunks (chunked transfer encoding)")
        found = client.search_for_studies(search_filters={"PatientID": LARGE_STUDY[1]})
        self.checks.equal(values(found, "00201208"), [len(large)], "the chunked upload is catalogued")
        streamed = list(client.iter_study(self.study_uid[key]))
        found = self.same(streamed, "iter_study (streamed in 64 KiB chunks): every instance equals its original")
        self.checks.equal(found, self.sops(lambda k, i, ds: k == key), "iter_study: all instances")
        series = str(large[0].SeriesInstanceUID)
        streamed = list(client.iter_series(self.study_uid[key], series))
        self.same(streamed, "iter_series (streamed): every instance equals its original")

    # MARK: - Errors

    def errors(self):
        unknown = uid("no such study")
        self.expect_status(404, "retrieve_study of an unknown study is 404",
                           lambda: self.client.retrieve_study(unknown))
        self.expect_status(404, "retrieve_study_metadata of an unknown study is 404",
                           lambda: self.client.retrieve_study_metadata(unknown))
        study, series = self.study_uid["S1"], self.series_uids(lambda k, i, ds: k == "S1" and i == 0)[0]
        self.expect_status(404, "retrieve_instance of an unknown instance in a known series is 404",
                           lambda: self.client.retrieve_instance(study, series, unknown))
        self.expect_status(404, "retrieve_series of a series under the wrong study is 404",
                           lambda: self.client.retrieve_series(self.study_uid["S2"], series))
        self.expect_status(400, "retrieve_study of a malformed UID is 400",
                           lambda: self.client.retrieve_study("1.2..3"))
        self.expect_status(400, "search_for_studies with limit=0 is 400",
                           lambda: self.client.search_for_studies(limit=0))
        self.expect_status(400, "search_for_studies with StudyDate=2020-01-01 (not DA) is 400",
                           lambda: self.client.search_for_studies(search_filters={"StudyDate": "2020-01-01"}))
        self.expect_status(400, "search_for_series with offset=-1 is 400",
                           lambda: self.client.search_for_series(additional_params={"offset": "-1"}))
        self.expect_status(400, "search_for_instances with fuzzymatching=maybe is 400",
                           lambda: self.client.search_for_instances(additional_params={"fuzzymatching": "maybe"}))


def main():
    run = Run(arguments("dicomweb-client and pydicom drive a node").url)
    run.store()
    run.search_studies()
    run.search_series()
    run.search_instances()
    run.retrieve()
    run.negotiate()
    run.metadata()
    run.errors()
    run.chunked()
    run.checks.done()


if __name__ == "__main__":
    main()
