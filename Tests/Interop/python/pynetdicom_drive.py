# Drives a node's DIMSE port only with pynetdicom and pydicom: C-ECHO; C-STORE of a generated study (two series,
# CT, on one association); C-FIND at every level of both models; C-GET of the study (role selection, every data set
# compared with the original element by element); a C-GET cancelled after its first sub-operation (final Cancel with
# the counts); C-MOVE to this script's own storage SCP (listed in the node's peers as PYNETDICOM) and to an unknown
# destination (A801).
# Usage: python3 pynetdicom_drive.py --host 127.0.0.1 --port DIMSE_PORT --scp-port PORT   (exit 1 on a mismatch)
import argparse
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree (SwiftPM would see it)

from interop import Checks  # noqa: E402

try:
    import pydicom  # noqa: F401
    import pynetdicom  # noqa: F401
except ImportError as error:
    print(f"missing Python package ({error}); run: python3 -m pip install pydicom pynetdicom", file=sys.stderr)
    sys.exit(3)

from pydicom.dataset import Dataset, FileMetaDataset  # noqa: E402
from pydicom.uid import (  # noqa: E402
    CTImageStorage, DeflatedExplicitVRLittleEndian, ExplicitVRLittleEndian, generate_uid)
from pynetdicom import AE, StoragePresentationContexts, build_role, evt  # noqa: E402
from pynetdicom.sop_class import (  # noqa: E402
    PatientRootQueryRetrieveInformationModelFind, StudyRootQueryRetrieveInformationModelFind,
    StudyRootQueryRetrieveInformationModelGet, StudyRootQueryRetrieveInformationModelMove, Verification)

EXIT_PORT_IN_USE = 4
ROWS = 16


def uid(*parts):
    return generate_uid(entropy_srcs=["tessera-pynetdicom", *parts])


def make_instance(series, number):
    """One CT instance of the study: series 1 or 2, instance `number`, 16×16 pixels."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = uid("instance", str(series), str(number))
    ds.StudyInstanceUID = uid("study")
    ds.SeriesInstanceUID = uid("series", str(series))
    ds.PatientID = "PYNET-001"
    ds.PatientName = "PYNET^ANNE"
    ds.PatientBirthDate = "19800202"
    ds.PatientSex = "F"
    ds.StudyDate = "20250303"
    ds.StudyTime = "101010"
    ds.StudyID = "1"
    ds.AccessionNumber = "PYN1"
    ds.StudyDescription = "Thorax CT"
    ds.Modality = "CT"
    ds.SeriesNumber = series
    ds.InstanceNumber = number
    ds.Rows = ROWS
    ds.Columns = ROWS
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.PixelData = bytes((series * 31 + number * 7 + i) % 251 for i in range(ROWS * ROWS * 2))
    return ds


def identifier(level, **keys):
    ds = Dataset()
    ds.QueryRetrieveLevel = level
    for name, value in keys.items():
        setattr(ds, name, value)
    return ds


def main():
    parser = argparse.ArgumentParser(description="drive a node's DIMSE port with pynetdicom")
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--scp-port", type=int, required=True)
    options = parser.parse_args()
    checks = Checks()
    instances = [make_instance(series, number) for series in (1, 2) for number in (1, 2, 3)]
    originals = {ds.SOPInstanceUID: ds for ds in instances}

    def associate(ae, **extra):
        assoc = ae.associate(options.host, options.port, ae_title="TESSERA", **extra)
        checks.expect(assoc.is_established, "association established")
        return assoc

    # C-ECHO and C-STORE.
    ae = AE(ae_title="PYNETDICOM")
    ae.add_requested_context(Verification)
    ae.add_requested_context(CTImageStorage)
    assoc = associate(ae)
    checks.equal(assoc.send_c_echo().Status, 0x0000, "C-ECHO succeeds")
    for ds in instances:
        status = assoc.send_c_store(ds)
        checks.equal(status.Status, 0x0000, f"C-STORE of instance {ds.InstanceNumber} of series {ds.SeriesNumber}")
    assoc.release()

    # C-FIND at every level.
    ae = AE(ae_title="PYNETDICOM")
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
    ae.add_requested_context(PatientRootQueryRetrieveInformationModelFind)
    assoc = associate(ae)
    queries = [
        (StudyRootQueryRetrieveInformationModelFind,
         identifier("STUDY", PatientName="PYNET*", StudyInstanceUID="", StudyDescription=""), 1),
        (StudyRootQueryRetrieveInformationModelFind,
         identifier("SERIES", StudyInstanceUID=uid("study"), SeriesInstanceUID="", SeriesNumber=""), 2),
        (StudyRootQueryRetrieveInformationModelFind,
         identifier("IMAGE", StudyInstanceUID=uid("study"), SeriesInstanceUID=uid("series", "2"),
                    SOPInstanceUID=""), 3),
        (PatientRootQueryRetrieveInformationModelFind, identifier("PATIENT", PatientID="PYNET-001", PatientName=""), 1),
    ]
    for model, query, count in queries:
        matches = []
        final = None
        for status, found in assoc.send_c_find(query, model):
            if status.Status in (0xFF00, 0xFF01):
                matches.append(found)
            else:
                final = status.Status
        checks.equal(final, 0x0000, f"C-FIND {query.QueryRetrieveLevel} ends in success")
        checks.equal(len(matches), count, f"C-FIND {query.QueryRetrieveLevel} finds {count}")
        if query.QueryRetrieveLevel == "STUDY" and matches:
            checks.equal(matches[0].StudyDescription, "Thorax CT", "the study's description is returned")
        if query.QueryRetrieveLevel == "IMAGE":
            found_uids = sorted(m.SOPInstanceUID for m in matches)
            checks.equal(found_uids, sorted(uid("instance", "2", str(n)) for n in (1, 2, 3)), "the series' images")
    assoc.release()

    # C-GET of the study, then one cancelled after its first sub-operation.
    received = []
    cancel = {"after": None, "sent": False}

    def on_store(event):
        ds = event.dataset
        received.append(ds)
        if cancel["after"] is not None and len(received) >= cancel["after"] and not cancel["sent"]:
            cancel["sent"] = True
            context = next(cx for cx in event.assoc.accepted_contexts
                           if cx.abstract_syntax == StudyRootQueryRetrieveInformationModelGet)
            event.assoc.send_c_cancel(9, context.context_id)
        return 0x0000

    ae = AE(ae_title="PYNETDICOM")
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelGet)
    ae.add_requested_context(CTImageStorage)
    assoc = associate(ae, ext_neg=[build_role(CTImageStorage, scp_role=True)],
                      evt_handlers=[(evt.EVT_C_STORE, on_store)])
    responses = list(assoc.send_c_get(identifier("STUDY", StudyInstanceUID=uid("study")),
                                      StudyRootQueryRetrieveInformationModelGet, msg_id=8))
    final = responses[-1][0]
    checks.equal(final.Status, 0x0000, "C-GET of the study ends in success")
    checks.equal(final.NumberOfCompletedSuboperations, 6, "C-GET counts six completed sub-operations")
    pending = [status for status, _ in responses[:-1]]
    checks.equal([s.NumberOfRemainingSuboperations for s in pending], [5, 4, 3, 2, 1], "pending counts go down")
    compare(checks, received, originals, "C-GET")
    received.clear()
    cancel["after"] = 1
    responses = list(assoc.send_c_get(identifier("STUDY", StudyInstanceUID=uid("study")),
                                      StudyRootQueryRetrieveInformationModelGet, msg_id=9))
    final = responses[-1][0]
    checks.equal(final.Status, 0xFE00, "a C-GET cancelled after one sub-operation ends in Cancel")
    checks.equal((final.NumberOfCompletedSuboperations, final.NumberOfRemainingSuboperations), (1, 5),
                 "the cancelled C-GET counts one completed and five remaining")
    failed = list(assoc.send_c_get(identifier("SERIES", StudyInstanceUID=uid("study")),
                                   StudyRootQueryRetrieveInformationModelGet, msg_id=10))
    checks.equal(failed[-1][0].Status, 0xA900, "a SERIES C-GET without Series Instance UID is refused (A900)")
    assoc.release()

    # An instance sent deflated (the only syntax proposed) is stored, and comes back inflated by C-GET.
    deflated = make_instance(3, 1)
    deflated.StudyInstanceUID = uid("deflated study")
    ae = AE(ae_title="PYNETDICOM")
    ae.add_requested_context(CTImageStorage, DeflatedExplicitVRLittleEndian)
    assoc = associate(ae)
    checks.equal(assoc.accepted_contexts[0].transfer_syntax[0], DeflatedExplicitVRLittleEndian,
                 "a deflated-only storage context is accepted")
    checks.equal(assoc.send_c_store(deflated).Status, 0x0000, "C-STORE of a deflated data set")
    assoc.release()
    received.clear()
    ae = AE(ae_title="PYNETDICOM")
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelGet)
    ae.add_requested_context(CTImageStorage, ExplicitVRLittleEndian)
    assoc = associate(ae, ext_neg=[build_role(CTImageStorage, scp_role=True)],
                      evt_handlers=[(evt.EVT_C_STORE, on_store)])
    responses = list(assoc.send_c_get(identifier("STUDY", StudyInstanceUID=uid("deflated study")),
                                      StudyRootQueryRetrieveInformationModelGet))
    checks.equal(responses[-1][0].Status, 0x0000, "C-GET of the deflated study ends in success")
    compare(checks, received, {deflated.SOPInstanceUID: deflated}, "C-GET of an instance stored deflated")
    assoc.release()

    # C-MOVE to this script's own storage SCP, then to a destination the node does not know.
    received.clear()
    scp_ae = AE(ae_title="PYNETDICOM")
    scp_ae.supported_contexts = StoragePresentationContexts
    try:
        scp = scp_ae.start_server(("127.0.0.1", options.scp_port), block=False,
                                  evt_handlers=[(evt.EVT_C_STORE, on_store)])
    except OSError as error:
        print(f"cannot listen on {options.scp_port}: {error}", file=sys.stderr)
        sys.exit(EXIT_PORT_IN_USE)
    cancel["after"] = None
    ae = AE(ae_title="PYNETDICOM")
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelMove)
    assoc = associate(ae)
    responses = list(assoc.send_c_move(identifier("SERIES", StudyInstanceUID=uid("study"),
                                                  SeriesInstanceUID=uid("series", "1")),
                                       "PYNETDICOM", StudyRootQueryRetrieveInformationModelMove))
    final = responses[-1][0]
    checks.equal(final.Status, 0x0000, "C-MOVE of a series ends in success")
    checks.equal(final.NumberOfCompletedSuboperations, 3, "C-MOVE counts three completed sub-operations")
    compare(checks, received, {k: v for k, v in originals.items() if v.SeriesNumber == 1}, "C-MOVE")
    responses = list(assoc.send_c_move(identifier("STUDY", StudyInstanceUID=uid("study")), "NOWHERE",
                                       StudyRootQueryRetrieveInformationModelMove))
    checks.equal(responses[-1][0].Status, 0xA801, "C-MOVE to an unknown destination is refused (A801)")
    assoc.release()
    scp.shutdown()
    checks.done()


def compare(checks, received, originals, what):
    """Every original came back once, each element equal, the pixel data byte for byte."""
    checks.equal(sorted(ds.SOPInstanceUID for ds in received), sorted(originals), f"{what} returns every instance")
    for ds in received:
        original = originals[ds.SOPInstanceUID]
        for element in original:
            if ds.get(element.tag) is None or ds[element.tag].value != element.value:
                checks.fail(f"{what}: {element.keyword} of {ds.SOPInstanceUID} differs: "
                            f"{ds.get(element.tag)!r} vs {element.value!r}")
        checks.equal(ds.PixelData, original.PixelData, f"{what}: pixel data of instance {ds.InstanceNumber}")


if __name__ == "__main__":
    main()
