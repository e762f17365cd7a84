// swift-tools-version: 6.2
// Tessera: a regional archive for medical images. No package dependencies: Debian's C libraries come in through
// system-library targets (CSQLite, COpenSSL, CISAL, CTurboJPEG, CZlib, and CPosix for glibc calls behind _GNU_SOURCE); everything else
// is ours. See ../shared/DESIGN.md, "Code layout".
import PackageDescription

/// Strictness every Swift target shares (STYLE.md, "Swift 6 on Linux: pitfalls" 10).
let strictSettings: [SwiftSetting] = {
    var settings: [SwiftSetting] = [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
    if Context.environment["WARNINGS_AS_ERRORS"] != nil {
        settings.append(.unsafeFlags(["-warnings-as-errors"]))
    }
    return settings
}()

func module(_ name: String, _ dependencies: [Target.Dependency] = []) -> Target {
    .target(name: name, dependencies: dependencies, swiftSettings: strictSettings)
}

func tests(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(name: name, dependencies: dependencies, swiftSettings: strictSettings)
}

let package = Package(
    name: "Tessera",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tessera", targets: ["tessera"])
    ],
    targets: [
        // MARK: - C libraries from Debian
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenSSL", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CISAL", providers: [.apt(["libisal-dev"])]),
        .systemLibrary(name: "CTurboJPEG", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // glibc calls that need _GNU_SOURCE (sync_file_range); nothing to link.
        .systemLibrary(name: "CPosix"),
        // Plain C references the storage bench compares our Swift against, compiled in the same build and linked only
        // into Bench.
        .target(
            name: "CBenchReference",
            cSettings: [.unsafeFlags(["-O3"])],
            linkerSettings: [.linkedLibrary("isal"), .linkedLibrary("crypto")]
        ),

        // MARK: - Modules, bottom-up (DESIGN.md, "Code layout")
        module("Primitives"),
        module("Coding", ["Primitives", "CISAL", "COpenSSL"]),
        module("SQLite", ["Primitives", "CSQLite"]),
        module("Chunking", ["Primitives"]),
        module("Posix", ["Primitives", "CPosix"]),
        module("Volumes", ["Primitives", "Coding", "SQLite"]),
        module("ObjectStore", ["Primitives", "Chunking", "Coding", "Volumes"]),
        module("DICOM", ["Primitives", "CZlib"]),
        module("Imaging", ["CTurboJPEG", "CZlib"]),
        module("Placement", ["Primitives"]),
        module("Membership", ["Primitives"]),
        module("Simulation", ["Primitives", "Membership", "Placement"]),
        module("HTTP", ["Primitives"]),
        module("Catalog", ["Primitives", "SQLite", "DICOM"]),
        module("Replication", ["Primitives", "Coding", "Catalog", "ObjectStore", "HTTP"]),
        module("Transport", ["Primitives", "Posix", "HTTP", "COpenSSL"]),
        module("DICOMweb", ["Primitives", "Coding", "HTTP", "DICOM", "Imaging", "Catalog", "ObjectStore"]),
        module("DIMSE", ["Primitives", "DICOM"]),
        module("Chaos", ["Primitives", "Posix"]),
        module(
            "Node",
            [
                "Primitives", "Coding", "Posix", "HTTP", "Transport", "DICOM", "Catalog", "Volumes", "ObjectStore",
                "DICOMweb", "DIMSE", "Membership", "Placement", "Replication",
            ]),

        // MARK: - Beside the product: generated instances, fuzz entry points, benches (DESIGN.md, "Code layout")
        module("Samples", ["Primitives", "DICOM"]),
        module("Fuzzing", ["Primitives", "HTTP", "DICOM", "DIMSE", "Imaging", "Samples"]),
        module(
            "Bench",
            [
                "Primitives", "Coding", "Chunking", "Posix", "Volumes", "ObjectStore", "CBenchReference", "DICOM",
                "HTTP", "Catalog", "Transport", "DICOMweb", "DIMSE", "Node", "Membership", "Simulation", "Samples",
            ]),
        module(
            "TesseraCLI",
            [
                "Primitives", "Coding", "Chunking", "Posix", "Volumes", "ObjectStore", "DICOM", "HTTP", "Catalog",
                "Transport", "DICOMweb", "Node", "Membership", "Simulation", "Samples", "Fuzzing", "Bench", "Chaos",
            ]),
        .executableTarget(name: "tessera", dependencies: ["TesseraCLI"], swiftSettings: strictSettings),

        // MARK: - Tests
        .target(
            name: "TestSupport",
            dependencies: ["Primitives", "Posix", "DICOM", "Samples"],
            path: "Tests/TestSupport",
            swiftSettings: strictSettings
        ),
        tests("PrimitivesTests", ["Primitives", "TestSupport"]),
        tests("CodingTests", ["Coding", "Primitives", "TestSupport"]),
        tests("SQLiteTests", ["SQLite", "Primitives", "TestSupport"]),
        tests("ChunkingTests", ["Chunking", "Primitives", "TestSupport"]),
        tests("PosixTests", ["Posix", "Primitives", "TestSupport"]),
        tests("VolumesTests", ["Volumes", "Coding", "Posix", "Primitives", "TestSupport"]),
        tests(
            "ObjectStoreTests", ["ObjectStore", "Volumes", "Chunking", "Coding", "Posix", "Primitives", "TestSupport"]),
        .testTarget(
            name: "DICOMTests", dependencies: ["DICOM", "Samples", "Fuzzing", "Primitives", "TestSupport"],
            exclude: ["pydicom_testdata.py"], swiftSettings: strictSettings),
        tests("HTTPTests", ["HTTP", "Fuzzing", "Primitives", "TestSupport"]),
        tests("MembershipTests", ["Membership", "Primitives", "TestSupport"]),
        tests("CatalogTests", ["Catalog", "DICOM", "SQLite", "Posix", "Primitives", "TestSupport"]),
        tests("TransportTests", ["Transport", "HTTP", "Posix", "Primitives", "TestSupport"]),
        tests(
            "DICOMwebTests",
            [
                "DICOMweb", "HTTP", "DICOM", "Imaging", "CZlib", "Samples", "Catalog", "ObjectStore", "Transport",
                "Posix", "Primitives", "TestSupport",
            ]),
        tests(
            "NodeTests",
            [
                "Node", "Catalog", "Coding", "DICOM", "DIMSE", "Samples", "HTTP", "Membership", "Posix", "Primitives",
                "ObjectStore", "Replication", "TestSupport", "Transport",
            ]),
        tests("ProcessTests", ["Posix", "Primitives", "DICOM", "DIMSE", "Samples", "Bench", "TestSupport"]),
        .testTarget(
            name: "InteropTests", dependencies: ["Primitives", "TestSupport"], path: "Tests/Interop",
            exclude: ["python"], swiftSettings: strictSettings),
        tests("TidyTests", ["TestSupport"]),
        tests("PlacementTests", ["Placement", "Primitives", "TestSupport"]),
        tests("ImagingTests", ["Imaging", "Fuzzing", "Primitives", "CTurboJPEG", "CZlib", "TestSupport"]),
        tests("DIMSETests", ["DIMSE", "DICOM", "Fuzzing", "Primitives", "TestSupport"]),
        tests(
            "ReplicationTests",
            ["Replication", "Catalog", "Coding", "ObjectStore", "Chunking", "HTTP", "Posix", "Primitives", "TestSupport"]),
        tests("ChaosTests", ["Chaos", "Membership", "Posix", "Primitives", "TestSupport"]),
        tests(
            "SimulationTests",
            [
                "Simulation", "Membership", "Primitives", "TestSupport", "Node", "Catalog", "ObjectStore", "Replication",
                "Chunking", "Coding", "DICOMweb", "Posix", "Placement", "HTTP",
            ]),
    ]
)

// libFuzzer targets (STYLE.md, pitfall 11), declared only when TESSERA_FUZZ is set: they have no `main` of their own
// and link only with `--sanitize fuzzer`. README.md, "Fuzzing", gives the command.
if Context.environment["TESSERA_FUZZ"] != nil {
    for (name, dependencies) in [
        ("FuzzDICOM", ["Fuzzing"]), ("FuzzHTTPRequest", ["Fuzzing"]), ("FuzzMultipart", ["Fuzzing"]),
        ("FuzzGossip", ["Membership"]), ("FuzzGossipEnvelope", ["Coding", "Primitives"]),
        ("FuzzRegionalRows", ["Catalog"]), ("FuzzReplica", ["Replication", "Catalog", "Primitives"]),
        ("FuzzChaosHistory", ["Chaos", "Primitives"]), ("FuzzPDU", ["Fuzzing"]),
        ("FuzzRendering", ["Fuzzing"]),
    ] as [(String, [Target.Dependency])] {
        package.targets.append(
            .executableTarget(
                name: name, dependencies: dependencies, path: "Tests/Fuzz/\(name)",
                swiftSettings: strictSettings + [.unsafeFlags(["-parse-as-library"])]))
    }
}
