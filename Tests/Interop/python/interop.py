# Shared pieces of the interop scripts: the package check with its install line, one printed line per check, and
# the first mismatch ending the run with a clear message. Imported by the scripts beside it; never run directly.
import argparse
import sys

# Exit codes the Swift tests read: a failed check, and a missing package (the message names the install line).
EXIT_MISMATCH = 1
EXIT_MISSING_PACKAGE = 3

INSTALL_LINE = "python3 -m pip install pydicom dicomweb-client numpy pillow"


def require_packages(imaging=False):
    """Imports pydicom, requests and dicomweb-client (and numpy and Pillow for `imaging`), or exits with the line
    that installs them."""
    try:
        import pydicom  # noqa: F401
        import requests  # noqa: F401
        import dicomweb_client  # noqa: F401
        if imaging:
            import numpy  # noqa: F401
            import PIL  # noqa: F401
    except ImportError as error:
        print(f"missing Python package ({error}); run: {INSTALL_LINE}", file=sys.stderr)
        sys.exit(EXIT_MISSING_PACKAGE)


def arguments(description):
    """The command line every script takes: --url, the node's DICOMweb base URL."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", required=True, help="the node's DICOMweb base URL, http://127.0.0.1:PORT/dicom-web")
    return parser.parse_args()


class Checks:
    """Counts passed checks and prints one line for each; the first failure prints its message and exits."""

    def __init__(self):
        self.count = 0

    def ok(self, message):
        self.count += 1
        print(f"ok {self.count}: {message}", flush=True)

    def fail(self, message):
        print(f"FAIL after {self.count} checks: {message}", flush=True)
        sys.exit(EXIT_MISMATCH)

    def expect(self, condition, message, detail=""):
        """Passes when `condition` holds; otherwise fails with `message` and `detail` (what was found)."""
        if condition:
            self.ok(message)
        else:
            self.fail(f"{message}: {detail}" if detail else message)

    def equal(self, found, expected, message):
        """Passes when `found == expected`; otherwise fails showing both."""
        if found == expected:
            self.ok(message)
        else:
            self.fail(f"{message}: got {found!r}, expected {expected!r}")

    def done(self):
        print(f"all {self.count} checks passed", flush=True)


def multipart_parts(answer):
    """The bodies of a multipart/related answer, split by hand."""
    boundary = answer.headers["Content-Type"].split("boundary=")[1].split(";")[0].strip('"').encode()
    parts = []
    for piece in answer.content.split(b"--" + boundary)[1:]:
        if piece.startswith(b"--"):
            break
        parts.append(piece.split(b"\r\n\r\n", 1)[1][:-2])
    return parts
