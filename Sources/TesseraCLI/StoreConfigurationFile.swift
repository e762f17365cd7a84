// Reading a store configuration from `--config FILE` (JSON) and `--volumes N`: every key is checked, so a typo is
// an error naming it rather than a setting silently ignored.
import Chunking
import Foundation
import ObjectStore

/// Builds the configuration a user asked for on the command line.
enum StoreConfigurationFile {
    static let keys: Set<String> = [
        "volumeCount", "dataShardCount", "parityShardCount", "chunkSizeMin", "chunkSizeAvg", "chunkSizeMax",
        "smallObjectBytesMax", "segmentBytesMax",
    ]

    /// The requested configuration, or nil when neither `--volumes` nor `--config` was given.
    static func requested(volumeCount: Int?, configPath: String?) throws -> StoreConfiguration? {
        guard volumeCount != nil || configPath != nil else { return nil }
        var values: [String: Int] = [:]
        if let configPath { values = try read(configPath) }
        if let volumeCount {
            if let fromFile = values["volumeCount"], fromFile != volumeCount {
                throw StoreError(
                    .configuration, "--volumes \(volumeCount) contradicts volumeCount \(fromFile) in \(configPath!)")
            }
            values["volumeCount"] = volumeCount
        }
        var configuration = StoreConfiguration.defaults(
            volumeCount: values["volumeCount"] ?? StoreConfiguration.volumeCountDefault)
        if let k = values["dataShardCount"] { configuration.dataShardCount = k }
        if let m = values["parityShardCount"] { configuration.parityShardCount = m }
        if let small = values["smallObjectBytesMax"] { configuration.smallObjectBytesMax = small }
        if let segment = values["segmentBytesMax"] { configuration.segmentBytesMax = Int64(segment) }
        if values["chunkSizeMin"] != nil || values["chunkSizeAvg"] != nil || values["chunkSizeMax"] != nil {
            do {
                configuration.chunking = try ChunkerConfiguration(
                    chunkSizeMin: values["chunkSizeMin"] ?? configuration.chunking.chunkSizeMin,
                    chunkSizeAvg: values["chunkSizeAvg"] ?? configuration.chunking.chunkSizeAvg,
                    chunkSizeMax: values["chunkSizeMax"] ?? configuration.chunking.chunkSizeMax)
            } catch {
                throw StoreError(.configuration, "\(configPath ?? "config"): \(error)")
            }
        }
        do {
            try configuration.validate()
        } catch {
            throw StoreError(.configuration, "\(configPath ?? "--volumes"): \(error)")
        }
        return configuration
    }

    private static func read(_ path: String) throws -> [String: Int] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.configuration, "cannot read config file \(path)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let dictionary = object as? [String: Any]
        else { throw StoreError(.configuration, "config file \(path) is not a JSON object") }
        var values: [String: Int] = [:]
        for (key, value) in dictionary {
            guard keys.contains(key) else {
                throw StoreError(
                    .configuration,
                    "config file \(path): unknown key '\(key)' (known: \(keys.sorted().joined(separator: ", ")))")
            }
            guard let number = value as? Int, !(value is Bool) else {
                throw StoreError(.configuration, "config file \(path): '\(key)' must be a whole number")
            }
            values[key] = number
        }
        return values
    }
}
