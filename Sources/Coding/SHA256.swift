// SHA-256 through OpenSSL's EVP interface: the content address of every chunk and manifest. Owns hashing only;
// the address type lives in Primitives.
internal import COpenSSL
public import Primitives

/// An incremental SHA-256 computation.
///
/// Feed bytes with `update` in pieces of any size, then `finalize` once; the result is the same however the input
/// was split. The OpenSSL context is freed when the value is consumed or dropped.
public struct SHA256: ~Copyable {
    private let context: OpaquePointer

    /// Starts an empty hash.
    public init() {
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("OpenSSL could not allocate a digest context") }
        let status = EVP_DigestInit_ex(context, EVP_sha256(), nil)
        precondition(status == 1, "OpenSSL refused to start SHA-256")
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let status = EVP_DigestUpdate(context, base, bytes.count)
        precondition(status == 1, "OpenSSL SHA-256 update failed")
    }

    /// Adds `bytes` to the hash.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Finishes the hash and returns the digest as an address.
    public consuming func finalize() -> ChunkAddress {
        var digest = [UInt8](repeating: 0, count: ChunkAddress.byteCount)
        var length: UInt32 = 0
        let status = digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        precondition(status == 1 && length == UInt32(ChunkAddress.byteCount), "OpenSSL SHA-256 final failed")
        return ChunkAddress(bytes: digest)
    }

    /// The SHA-256 of `bytes` in one call.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> ChunkAddress {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var length: UInt32 = 0
        let status = withUnsafeMutableBytes(of: &digest) { output in
            EVP_Digest(
                bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), bytes.count,
                output.baseAddress!.assumingMemoryBound(to: UInt8.self), &length, EVP_sha256(), nil)
        }
        precondition(status == 1 && length == UInt32(ChunkAddress.byteCount), "OpenSSL SHA-256 failed")
        return withUnsafeBytes(of: &digest) { ChunkAddress(bytes: $0) }
    }

    /// The SHA-256 of `bytes` in one call.
    public static func hash(_ bytes: [UInt8]) -> ChunkAddress {
        bytes.withUnsafeBytes { hash($0) }
    }
}
