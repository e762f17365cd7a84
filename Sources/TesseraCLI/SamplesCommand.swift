// `tessera samples --out DIR` (hidden): writes generated CT and MR studies as Part-10 files, for Cluster/up and the
// process tests. The instances come from the Samples module's SyntheticInstance; this only lays them out on disk.
import DICOM
import Posix
import Primitives
import Samples

/// The `samples` subcommand.
enum SamplesCommand {

    /// Writes DIR/STUDY/SERIES/SOP.dcm and prints "STUDY_UID  PATIENT_ID  MODALITY  N instances" per study.
    static func run(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["out", "studies", "seed", "slices", "size"])
        let output = try arguments.required("out")
        let studyCount = try arguments.integer("studies", in: 1...1000) ?? 3
        let seed = UInt64(try arguments.integer("seed", in: 0...Int(Int32.max)) ?? 1)
        let sliceCount = try arguments.integer("slices", in: 1...1000) ?? 4
        let size = try arguments.integer("size", in: 8...1024) ?? 64
        let disk = PosixDisk()
        for index in 0..<studyCount {
            let modality = index % 2 == 0 ? "CT" : "MR"
            let patientID = "TESSERA-\(index + 1)"
            var instances = SyntheticInstance.study(
                seed: seed &* 1000 &+ UInt64(index), modality: modality, patientID: patientID, seriesCount: 2,
                sliceCount: sliceCount, rows: size, columns: size)
            for position in instances.indices {
                instances[position].patientName = "Sample^Patient \(index + 1)"
                instances[position].studyDate = "2024" + twoDigits(1 + index / 28 % 12) + twoDigits(1 + index % 28)
            }
            guard let study = instances.first?.studyInstanceUID else { continue }
            for instance in instances {
                let folder = output + "/" + study + "/" + instance.seriesInstanceUID
                try disk.makeDirectory(folder)
                try disk.writeWholeFileAtomically(
                    folder + "/" + instance.sopInstanceUID + ".dcm", bytes: instance.part10())
            }
            Console.output("\(study)  \(patientID)  \(modality)  \(instances.count) instances\n")
        }
    }

    private static func twoDigits(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
}
