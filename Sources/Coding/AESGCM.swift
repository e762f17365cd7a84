// AES-256-GCM through OpenSSL's EVP interface: seal and open one message under a 32-byte key, a 12-byte nonce and
// additional authenticated data. Owns the cipher only; keys, nonces and the gossip envelope live beside it.
internal import COpenSSL

/// AES-256 in Galois/Counter Mode (NIST SP 800-38D), buffer in, buffer out.
///
/// Only 96-bit nonces are accepted (SP 800-38D §8.2 recommends them; longer or shorter ones go through GHASH and
/// weaken the uniqueness argument). A caller MUST NOT seal two messages under one key with one nonce: that leaks
/// the XOR of the plaintexts and the authentication key (SP 800-38D §8, Joux's "forbidden attack").
public enum AESGCM {
    /// The key length in bytes (AES-256).
    public static let keyByteCount = 32
    /// The nonce (IV) length in bytes.
    public static let nonceByteCount = 12
    /// The authentication tag length in bytes (the full 128 bits; SP 800-38D §5.2.1.2).
    public static let tagByteCount = 16
    /// The longest plaintext or additional data one call takes: OpenSSL's lengths are C ints.
    public static let messageByteCountMax = Int(Int32.max)

    /// Encrypts `plaintext` into `ciphertext` (the same length) and writes the 16-byte tag into `tag`, which
    /// authenticates both the ciphertext and `aad`.
    public static func seal(
        _ plaintext: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
        aad: UnsafeRawBufferPointer, ciphertext: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer
    ) {
        checkShapes(key: key, nonce: nonce, aad: aad, input: plaintext, output: ciphertext, tag: tag.count)
        guard let context = EVP_CIPHER_CTX_new() else { preconditionFailure("OpenSSL could not allocate a cipher") }
        defer { EVP_CIPHER_CTX_free(context) }
        var status = EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, bytes(key), bytes(nonce))
        var written: Int32 = 0
        if !aad.isEmpty { status &= EVP_EncryptUpdate(context, nil, &written, bytes(aad), Int32(aad.count)) }
        if !plaintext.isEmpty {
            status &= EVP_EncryptUpdate(
                context, mutableBytes(ciphertext), &written, bytes(plaintext), Int32(plaintext.count))
            precondition(Int(written) == plaintext.count, "OpenSSL GCM wrote \(written) of \(plaintext.count) bytes")
        }
        var finalBlock = [UInt8](repeating: 0, count: 16)
        status &= EVP_EncryptFinal_ex(context, &finalBlock, &written)
        status &= EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tagByteCount), tag.baseAddress)
        precondition(status == 1 && written == 0, "OpenSSL AES-256-GCM seal failed")
    }

    /// Checks `tag` over `ciphertext` and `aad`, and decrypts `ciphertext` into `plaintext` (the same length).
    ///
    /// Throws `CodingError.authenticationFailed` when anything (key, nonce, aad, ciphertext, tag) differs from what
    /// was sealed; `plaintext` then holds unauthenticated bytes that the caller MUST NOT use.
    public static func open(
        _ ciphertext: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer,
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, plaintext: UnsafeMutableRawBufferPointer
    ) throws(CodingError) {
        checkShapes(key: key, nonce: nonce, aad: aad, input: ciphertext, output: plaintext, tag: tag.count)
        guard let context = EVP_CIPHER_CTX_new() else { preconditionFailure("OpenSSL could not allocate a cipher") }
        defer { EVP_CIPHER_CTX_free(context) }
        var status = EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, bytes(key), bytes(nonce))
        var written: Int32 = 0
        if !aad.isEmpty { status &= EVP_DecryptUpdate(context, nil, &written, bytes(aad), Int32(aad.count)) }
        if !ciphertext.isEmpty {
            status &= EVP_DecryptUpdate(
                context, mutableBytes(plaintext), &written, bytes(ciphertext), Int32(ciphertext.count))
            precondition(Int(written) == ciphertext.count, "OpenSSL GCM read \(written) of \(ciphertext.count) bytes")
        }
        var expected = [UInt8](tag)
        status &= EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tagByteCount), &expected)
        precondition(status == 1, "OpenSSL AES-256-GCM open could not start")
        var finalBlock = [UInt8](repeating: 0, count: 16)
        guard EVP_DecryptFinal_ex(context, &finalBlock, &written) > 0 else { throw .authenticationFailed }
    }

    /// Seals `plaintext` and returns the ciphertext followed by the tag.
    public static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []) -> [UInt8] {
        var sealed = [UInt8](repeating: 0, count: plaintext.count + tagByteCount)
        let length = plaintext.count
        withBuffers(plaintext, key, nonce, aad) { input, key, nonce, aad in
            sealed.withUnsafeMutableBytes { output in
                seal(
                    input, key: key, nonce: nonce, aad: aad,
                    ciphertext: UnsafeMutableRawBufferPointer(rebasing: output[..<length]),
                    tag: UnsafeMutableRawBufferPointer(rebasing: output[length...]))
            }
        }
        return sealed
    }

    /// Opens `sealed` (ciphertext followed by tag) and returns the plaintext.
    ///
    /// Throws `CodingError.authenticationFailed` when the tag does not verify or `sealed` is shorter than a tag.
    public static func open(_ sealed: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []) throws(CodingError)
        -> [UInt8]
    {
        guard sealed.count >= tagByteCount else { throw .authenticationFailed }
        let length = sealed.count - tagByteCount
        var plaintext = [UInt8](repeating: 0, count: length)
        let result = withBuffers(sealed, key, nonce, aad) { input, key, nonce, aad in
            plaintext.withUnsafeMutableBytes { output in
                Result { () throws(CodingError) in
                    try open(
                        UnsafeRawBufferPointer(rebasing: input[..<length]),
                        tag: UnsafeRawBufferPointer(rebasing: input[length...]), key: key, nonce: nonce, aad: aad,
                        plaintext: output)
                }
            }
        }
        try result.get()
        return plaintext
    }

    // MARK: - Private

    /// Stops on buffers of the wrong shape: these are programmer errors, never input from the network.
    private static func checkShapes(
        key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer,
        input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer, tag: Int
    ) {
        precondition(key.count == keyByteCount, "an AES-256 key is \(keyByteCount) bytes, not \(key.count)")
        precondition(nonce.count == nonceByteCount, "a GCM nonce here is \(nonceByteCount) bytes, not \(nonce.count)")
        precondition(tag == tagByteCount, "a GCM tag here is \(tagByteCount) bytes, not \(tag)")
        precondition(output.count == input.count, "output of \(output.count) bytes for \(input.count) bytes of input")
        precondition(input.count <= messageByteCountMax && aad.count <= messageByteCountMax, "message too long")
    }

    /// The buffer as OpenSSL's `const unsigned char *`.
    private static func bytes(_ buffer: UnsafeRawBufferPointer) -> UnsafePointer<UInt8>? {
        buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
    }

    /// The buffer as OpenSSL's `unsigned char *`.
    private static func mutableBytes(_ buffer: UnsafeMutableRawBufferPointer) -> UnsafeMutablePointer<UInt8>? {
        buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
    }

    /// Calls `body` with raw views of four arrays, valid only inside the call.
    private static func withBuffers<Result>(
        _ first: [UInt8], _ second: [UInt8], _ third: [UInt8], _ fourth: [UInt8],
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer, UnsafeRawBufferPointer)
            -> Result
    ) -> Result {
        first.withUnsafeBytes { first in
            second.withUnsafeBytes { second in
                third.withUnsafeBytes { third in fourth.withUnsafeBytes { body(first, second, third, $0) } }
            }
        }
    }
}
