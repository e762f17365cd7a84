// The Reed-Solomon rows of the storage bench: our wrapper and raw ISA-L encode and decode the same 1 MiB objects.
import CBenchReference
import Coding
import Primitives

extension StorageBench {
    /// Encode and decode rates (GB/s of object bytes) for a k+m code: ours, then raw ISA-L.
    func reedSolomon(_ data: UnsafeRawBufferPointer, k: Int, m: Int) throws
        -> (encode: (ours: Double, raw: Double), decode: (ours: Double, raw: Double))
    {
        let code = try ReedSolomon(dataShardCount: k, parityShardCount: m)
        let raw = library_reference_rs_create(Int32(k), Int32(m))!
        defer { library_reference_rs_destroy(raw) }
        let length = ReedSolomon.shardLength(objectLength: Self.sliceBytes, dataShardCount: k)
        let objects = data.count / (length * k)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: length * (k + m), alignment: 64)
        defer { scratch.deallocate() }
        let parity = (0..<m).map {
            UnsafeMutableRawBufferPointer(rebasing: scratch[($0 * length)..<(($0 + 1) * length)])
        }
        let outputs = (0..<m).map {
            UnsafeMutableRawBufferPointer(rebasing: scratch[((m + $0) * length)..<((m + $0 + 1) * length)])
        }
        let mutableData = UnsafeMutableRawBufferPointer(mutating: data)
        func shards(_ object: Int) -> [UnsafeMutableRawBufferPointer] {
            (0..<k).map {
                UnsafeMutableRawBufferPointer(
                    rebasing: mutableData[((object * k + $0) * length)..<((object * k + $0 + 1) * length)])
            }
        }
        let work = objects * k * length
        let encodeOurs = BenchTiming.bestRate(bytes: work) {
            for object in 0..<objects {
                code.encode(data: shards(object).map { UnsafeRawBufferPointer($0) }, parity: parity)
            }
        }
        let encodeRaw = BenchTiming.bestRate(bytes: work) {
            for object in 0..<objects {
                var sources =
                    shards(object).map { $0.baseAddress!.assumingMemoryBound(to: UInt8.self) }
                    as [UnsafeMutablePointer<UInt8>?]
                var targets =
                    parity.map { $0.baseAddress!.assumingMemoryBound(to: UInt8.self) }
                    as [UnsafeMutablePointer<UInt8>?]
                library_reference_rs_encode(raw, length, &sources, &targets)
            }
        }
        // Decode: the first m data shards are lost; they are rebuilt into `outputs` from the rest plus parity.
        let present = (0..<(k + m)).map { $0 >= m }
        let decodeOurs = try BenchTiming.bestRate(bytes: work) {
            for object in 0..<objects {
                let data = shards(object)
                try code.reconstruct(shards: Array(outputs) + Array(data[m...]) + parity, present: present)
            }
        }
        let decodeRaw = BenchTiming.bestRate(bytes: work) {
            for object in 0..<objects {
                let data = shards(object)
                var sources =
                    (Array(data[m...]) + parity).map { $0.baseAddress!.assumingMemoryBound(to: UInt8.self) }
                    as [UnsafeMutablePointer<UInt8>?]
                var targets =
                    outputs.map { $0.baseAddress!.assumingMemoryBound(to: UInt8.self) }
                    as [UnsafeMutablePointer<UInt8>?]
                library_reference_rs_decode(raw, length, &sources, &targets, Int32(m))
            }
        }
        return ((encodeOurs, encodeRaw), (decodeOurs, decodeRaw))
    }
}
