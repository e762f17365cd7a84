# Sourced by .ci/test and Cluster/up: installs the Debian packages Tessera needs when they are missing.
# As root it runs apt-get itself; otherwise it prints the exact line to run and stops.

# ensure_packages PACKAGE...: every named Debian package is installed afterwards, or the script exits.
ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "Tessera needs these Debian packages: ${missing[*]}" >&2
        echo "Run: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "Installing ${missing[*]} (apt-get)…" >&2
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
    fi
}

# ensure_swift: Swift 6.3 or later is on PATH, or the script explains and exits.
ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "Tessera needs Swift 6.3 or later on PATH (https://www.swift.org/install/linux/)." >&2
        exit 1
    fi
}

# The C libraries every build links (DESIGN.md, "Code layout").
TESSERA_BUILD_PACKAGES=(libsqlite3-dev libssl-dev libisal-dev libturbojpeg0-dev zlib1g-dev)

# The peer the DICOMweb bench (and its quick run in the tests) compares a node against; iproute2 and nftables for
# the chaos runner's network of namespaces (ChaosTests, `tessera chaos net`, `tessera chaos run`) and faketime
# for its clock-skew scenario; chromium to test the region page in a real headless browser (NodeRegionTests).
TESSERA_TEST_PACKAGES=(orthanc orthanc-dicomweb iproute2 nftables faketime chromium)

# ensure_python_packages PACKAGE...: every named PyPI package imports afterwards (pip installs what is missing), or
# the script explains and exits. The module name is the package name with dashes as underscores, or follows a colon
# (pillow:PIL).
ensure_python_packages() {
    if ! command -v python3 >/dev/null 2>&1; then
        ensure_packages python3 python3-pip
    fi
    local missing=()
    for entry in "$@"; do
        local package="${entry%%:*}" module="${entry#*:}"
        [ "$entry" = "$package" ] && module="${package//-/_}"
        python3 -c "import $module" 2>/dev/null || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing ${missing[*]} (pip)…" >&2
    if ! python3 -m pip install -q "${missing[@]}" >/dev/null 2>&1 &&
        ! python3 -m pip install -q --break-system-packages "${missing[@]}" >/dev/null; then
        echo "Tessera's tests need these Python packages: ${missing[*]}" >&2
        echo "Run: python3 -m pip install ${missing[*]}" >&2
        exit 1
    fi
}

# What the interoperability tests drive a node with: clients nobody here wrote (DESIGN.md, "Interfaces"); requests
# is also the outside client of `tessera bench dicomweb`; numpy and Pillow check rendered images against pydicom.
TESSERA_TEST_PYTHON_PACKAGES=(pydicom pynetdicom dicomweb-client requests numpy pillow:PIL)
