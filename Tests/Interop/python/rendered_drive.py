# Drives a running node's rendered images with dicomweb-client and checks them with Pillow against pydicom's own
# pixel pipeline: pydicom's pixel_array, its Modality LUT and its windowing (apply_windowing), scaled to 8 bits.
# PNG must match within one grey level (rounding), JPEG on average within a few; colour PNG exactly (RGB) or
# within rounding (YBR_FULL); frames of a multi-frame instance; the viewport's size; WADO-URI; 406 for what the
# node does not render (palette colour, subsampled YBR, 1-bit pixels); and frames of compressed files (JPEG, RLE,
# JPEG 2000, JPEG-LS) served as stored, equal to pydicom's generate_frames.
# Usage: python3 rendered_drive.py --url http://127.0.0.1:PORT/dicom-web   (exit 1 on the first mismatch)
import copy
import io
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree (SwiftPM would see it)

from interop import Checks, arguments, multipart_parts, require_packages  # noqa: E402

require_packages(imaging=True)

import numpy as np  # noqa: E402
import pydicom  # noqa: E402
import requests  # noqa: E402
from dicomweb_client.api import DICOMwebClient  # noqa: E402
from PIL import Image  # noqa: E402
from pydicom.data import get_testdata_file  # noqa: E402
from pydicom.encaps import generate_frames  # noqa: E402
from pydicom.pixels import apply_modality_lut, apply_windowing, convert_color_space  # noqa: E402
from pydicom.uid import generate_uid  # noqa: E402

# Grey files pydicom ships: signed CT with a rescale, MR, 12 of 16 bits with two recommended windows, 32-bit dose.
GREY = ["CT_small.dcm", "MR_small.dcm", "examples_overlay.dcm", "rtdose.dcm"]
COLOUR = ["examples_rgb_color.dcm", "SC_rgb_small_odd.dcm"]
# Compressed files pydicom ships, frames served as stored: JPEG Baseline (30 frames, no offset table), RLE (15 and
# 2 frames), JPEG 2000 and JPEG-LS (one frame).
COMPRESSED = {"examples_ybr_color.dcm": "image/jpeg", "rtdose_rle.dcm": "image/x-dicom-rle",
              "SC_rgb_rle_2frame.dcm": "image/x-dicom-rle", "JPEG2000.dcm": "image/jp2",
              "MR_small_jpeg_ls_lossless.dcm": "image/jls"}
# JPEG files rendered after libjpeg-turbo decodes them (frame, 1-based), compared with pydicom's pixel_array (its
# own decoder, converted to RGB); and a 12-bit JPEG, which is not decoded (406).
JPEG_RENDERED = {"examples_ybr_color.dcm": 5, "SC_rgb_jpeg_dcmtk.dcm": 1, "SC_jpeg_no_color_transform.dcm": 1}
JPEG_REFUSED = "JPEG-lossy.dcm"
# RLE files rendered after this node decodes them (frame, 1-based), compared with pydicom's pixel array: grey
# through pydicom's windowing, colour exactly.
RLE_RENDERED = {"MR_small_RLE.dcm": 1, "rtdose_rle.dcm": 3, "SC_rgb_rle_2frame.dcm": 2, "SC_rgb_rle_16bit.dcm": 1}
REFUSED = {"examples_palette.dcm": "PALETTE COLOR", "SC_ybr_full_422_uncompressed.dcm": "YBR_FULL_422",
           "liver_1frame.dcm": "1 bits allocated"}


def renamed(ds, key):
    """A copy of `ds` with new UIDs derived from `key`, so it is stored as another instance."""
    copied = copy.deepcopy(ds)
    copied.StudyInstanceUID = generate_uid(entropy_srcs=["tessera-rendered", key, "study"])
    copied.SeriesInstanceUID = generate_uid(entropy_srcs=["tessera-rendered", key, "series"])
    copied.SOPInstanceUID = generate_uid(entropy_srcs=["tessera-rendered", key, "sop"])
    copied.file_meta.MediaStorageSOPInstanceUID = copied.SOPInstanceUID
    return copied


def expected_grey(ds, stored, window=None):
    """What PS3.4's grey pipeline gives for `stored` (one frame of pixel_array), by pydicom, in 8 bits."""
    modality = apply_modality_lut(stored, ds).astype(np.float64)
    windowed = copy.deepcopy(ds)
    if window is not None:
        windowed.WindowCenter, windowed.WindowWidth, function = window
        windowed.VOILUTFunction = function
    elif "WindowCenter" not in ds:
        low, high = modality.min(), modality.max()
        windowed.WindowCenter, windowed.WindowWidth = (low + high) / 2, max(high - low, 1)
        windowed.VOILUTFunction = "LINEAR_EXACT"
    ends = apply_windowing(np.array([-1e15, 1e15]), windowed)
    levels = (apply_windowing(modality, windowed) - ends[0]) / (ends[1] - ends[0]) * 255
    grey = np.floor(np.clip(levels, 0, 255) + 0.5)
    return 255 - grey if ds.PhotometricInterpretation == "MONOCHROME1" else grey


def decoded(body):
    return np.asarray(Image.open(io.BytesIO(body))).astype(np.float64)


def main():
    url = arguments("Checks a node's rendered images against pydicom and Pillow").url
    checks = Checks()
    client = DICOMwebClient(url=url)
    grey = {name: pydicom.dcmread(get_testdata_file(name)) for name in GREY}
    # pydicom's copy has a meta group naming another SOP Instance UID, which the node refuses (409).
    grey["rtdose.dcm"] = renamed(grey["rtdose.dcm"], "dose")
    grey["CT_small MONOCHROME1"] = renamed(grey["CT_small.dcm"], "mono1")
    grey["CT_small MONOCHROME1"].PhotometricInterpretation = "MONOCHROME1"
    colour = {name: pydicom.dcmread(get_testdata_file(name)) for name in COLOUR}
    ybr = renamed(colour["examples_rgb_color.dcm"], "ybr")
    ybr.PixelData = convert_color_space(ybr.pixel_array, "RGB", "YBR_FULL").tobytes()
    ybr.PhotometricInterpretation = "YBR_FULL"
    colour["examples_rgb_color YBR_FULL"] = ybr
    refused = {name: pydicom.dcmread(get_testdata_file(name)) for name in REFUSED}
    # New UIDs: some share their SOP Instance UID with an uncompressed file stored above (MR_small.dcm).
    compressed = {name: renamed(pydicom.dcmread(get_testdata_file(name)), name)
                  for name in list(COMPRESSED) + list(JPEG_RENDERED) + [JPEG_REFUSED] + list(RLE_RENDERED)}
    everything = list(grey.values()) + list(colour.values()) + list(refused.values()) + list(compressed.values())
    client.store_instances(everything)
    checks.ok(f"stored {len(everything)} instances")

    def uids(ds):
        return ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID

    for name, ds in grey.items():
        frames = ds.pixel_array if int(ds.get("NumberOfFrames", 1)) > 1 else ds.pixel_array[np.newaxis]
        png = decoded(client.retrieve_instance_rendered(*uids(ds), media_types=("image/png",)))
        difference = np.abs(png - expected_grey(ds, frames[0])).max()
        checks.expect(difference <= 1, f"{name}: PNG within one grey level of pydicom's rendering", difference)
        jpeg = decoded(client.retrieve_instance_rendered(*uids(ds)))
        error = np.abs(jpeg - expected_grey(ds, frames[0])).mean()
        checks.expect(error <= 3, f"{name}: JPEG within {error:.2f} grey levels on average", error)
        window = (float(frames[0].mean()) * float(ds.get("RescaleSlope", 1)) + float(ds.get("RescaleIntercept", 0)),
                  float(frames[0].std()) * 2 + 1, "LINEAR")
        asked = decoded(client.retrieve_instance_rendered(
            *uids(ds), media_types=("image/png",), params={"window": f"{window[0]},{window[1]},linear"}))
        difference = np.abs(asked - expected_grey(ds, frames[0], window)).max()
        checks.expect(difference <= 1, f"{name}: window {window[0]:.1f},{window[1]:.1f} as pydicom", difference)
        if len(frames) > 1:
            number = len(frames) // 2 + 1
            body = client.retrieve_instance_frames_rendered(*uids(ds), [number], media_types=("image/png",))
            difference = np.abs(decoded(body) - expected_grey(ds, frames[number - 1])).max()
            checks.expect(difference <= 1, f"{name}: frame {number} of {len(frames)} as pydicom", difference)
    for name, ds in colour.items():
        png = decoded(client.retrieve_instance_rendered(*uids(ds), media_types=("image/png",)))
        rgb = colour["examples_rgb_color.dcm"].pixel_array if "YBR" in name else ds.pixel_array
        limit = 2 if "YBR" in name else 0
        difference = np.abs(png - rgb).max()
        checks.expect(difference <= limit, f"{name}: PNG equals the RGB pixels (within {limit})", difference)

    ct = grey["CT_small.dcm"]
    thumbnail = Image.open(io.BytesIO(client.retrieve_instance_rendered(
        *uids(ct), params={"viewport": "64,32"})))
    checks.equal(thumbnail.size, (32, 32), "CT_small 128×128 fitted to a 64×32 viewport")
    study, series, sop = uids(ct)
    answer = requests.get(f"{url}/wado", params={
        "requestType": "WADO", "studyUID": study, "seriesUID": series, "objectUID": sop,
        "contentType": "image/png", "windowCenter": "40", "windowWidth": "400", "rows": "64"})
    checks.equal(answer.status_code, 200, "WADO-URI image/png with a window and rows")
    checks.expect(Image.open(io.BytesIO(answer.content)).size == (64, 64), "WADO-URI rows=64 gives 64×64")
    # Each pixel of the half-size image is the mean of the 2×2 pixels it covers.
    halved = expected_grey(ct, ct.pixel_array, (40, 400, "LINEAR")).reshape(64, 2, 64, 2).mean(axis=(1, 3))
    difference = np.abs(decoded(answer.content) - halved).max()
    checks.expect(difference <= 1, "WADO-URI half size: each pixel the mean of the four it covers", difference)
    for name, media in COMPRESSED.items():
        ds = compressed[name]
        count = int(ds.get("NumberOfFrames", 1) or 1)
        theirs = list(generate_frames(ds.PixelData, number_of_frames=count))
        numbers = sorted({count, 1, (count + 1) // 2}, reverse=True)
        study, series, sop = uids(ds)
        answer = requests.get(f"{url}/studies/{study}/series/{series}/instances/{sop}/frames/"
                              + ",".join(map(str, numbers)))
        ours = multipart_parts(answer) if answer.status_code == 200 else []
        checks.expect(ours == [theirs[n - 1] for n in numbers],
                      f"{name}: frames {numbers} of {count} as pydicom's generate_frames, in the order asked",
                      f"{answer.status_code} {answer.text[:200] if answer.status_code != 200 else len(ours)}")
        part_type = f"{media}; transfer-syntax={ds.file_meta.TransferSyntaxUID}".encode()
        checks.expect(part_type in answer.content[:600],
                      f"{name}: each frame part is {media}")
    for name, number in JPEG_RENDERED.items():
        ds = compressed[name]
        theirs = ds.pixel_array if int(ds.get("NumberOfFrames", 1) or 1) == 1 else ds.pixel_array[number - 1]
        png = decoded(client.retrieve_instance_frames_rendered(*uids(ds), [number], media_types=("image/png",)))
        error = np.abs(png - theirs.astype(np.float64))
        checks.expect(png.shape == theirs.shape and error.mean() <= 2,
                      f"{name}: frame {number} decoded and rendered within {error.mean():.2f} levels of pydicom's",
                      f"shape {png.shape} vs {theirs.shape}, mean error {error.mean():.2f}")
    for name, number in RLE_RENDERED.items():
        ds = compressed[name]
        frames = ds.pixel_array if int(ds.get("NumberOfFrames", 1) or 1) > 1 else ds.pixel_array[np.newaxis]
        png = decoded(client.retrieve_instance_frames_rendered(*uids(ds), [number], media_types=("image/png",)))
        if ds.SamplesPerPixel == 1:
            expected = expected_grey(ds, frames[number - 1])
        else:  # 16-bit colour comes down to 8 bits as the renderer scales it: v × 255 / 65535, rounded
            expected = np.floor(frames[number - 1].astype(np.float64) * 255 / (2 ** ds.BitsStored - 1) + 0.5)
        difference = np.abs(png - expected).max()
        checks.expect(difference <= 1, f"{name}: frame {number} decoded (RLE) and rendered as pydicom", difference)
    study, series, sop = uids(compressed[JPEG_REFUSED])
    answer = requests.get(f"{url}/studies/{study}/series/{series}/instances/{sop}/rendered")
    checks.expect(answer.status_code == 406 and "only 8-bit" in answer.text, f"{JPEG_REFUSED}: 12-bit JPEG is 406",
                  f"{answer.status_code} {answer.text[:200]}")
    for name, word in REFUSED.items():
        answer = requests.get(f"{url}/studies/{'/series/'.join(uids(refused[name])[:2])}/instances/"
                              f"{refused[name].SOPInstanceUID}/rendered")
        checks.expect(answer.status_code == 406 and word in answer.text, f"{name}: 406 naming {word}",
                      f"{answer.status_code} {answer.text[:200]}")
    checks.done()


main()
