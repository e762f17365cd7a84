// The ByteSource ObjectStore.put pulls one instance from: each buffer comes from its source (a STOW-RS part through
// the multipart reader, a C-STORE's data set off its association), is checked by the DICOM reader, and only then
// handed to the store. An instance the reader rejects (or that belongs to another study) fails the read, so the put
// fails and nothing of it becomes visible.
import DICOM
import HTTP
import Primitives

/// Why a part was refused while it streamed.
struct PartRejection: Error {
    /// The Failure Reason (0008,1197).
    let failureReason: UInt16
    /// What was wrong, in words.
    let comment: String
    /// The refused instance's SOP Class UID, when its header was read far enough to name it.
    var sopClassUID: String?
    /// The refused instance's SOP Instance UID, likewise.
    var sopInstanceUID: String?
}

/// One instance's bytes as a ByteSource, checked as they stream.
struct StorePartSource<Inner: ByteSource>: ByteSource {
    /// Where the bytes come from.
    var inner: Inner
    /// The DICOM reader checking the part.
    var inspector: InstanceInspector
    /// The study the request is addressed to (`POST /studies/{study}`), if any.
    let expectedStudy: String?
    /// Set when the bytes could not be read (the multipart framing broke, the association was lost): the whole
    /// request fails with it, as no answer for this instance can reach the client.
    private(set) var sourceError: (any Error)?
    /// Set when the part was refused.
    private(set) var rejection: PartRejection?
    /// The header, once the part ended and the reader accepted it.
    private(set) var header: InstanceHeader?
    private var hasCheckedStudy = false

    init(inner: Inner, inspector: InstanceInspector, expectedStudy: String?) {
        self.inner = inner
        self.inspector = inspector
        self.expectedStudy = expectedStudy
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count: Int
        do {
            count = try inner.read(into: buffer)
        } catch {
            sourceError = error
            throw error
        }
        do {
            if count == 0 {
                header = try inspector.finish()
                try checkStudy(header!)
                return 0
            }
            try inspector.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            if !hasCheckedStudy, let header = inspector.header { try checkStudy(header) }
            return count
        } catch let error as PartRejection {
            rejection = error
            throw error
        } catch let error as DICOMParseError {
            let refusal = Self.refusal(for: error)
            rejection = refusal
            throw refusal
        }
    }

    /// Refuses an instance of another study than the request's, or one without its identifying UIDs.
    private mutating func checkStudy(_ header: InstanceHeader) throws(PartRejection) {
        hasCheckedStudy = true
        if let expectedStudy, header.studyInstanceUID != expectedStudy {
            throw PartRejection(
                failureReason: StoreStatusCode.dataSetDoesNotMatchSOPClass,
                comment: "the instance belongs to study \(header.studyInstanceUID), not to study \(expectedStudy) "
                    + "the request is addressed to")
        }
    }

    /// The Failure Reason for a reader error (PS3.18 Table I.2-2).
    static func refusal(for error: DICOMParseError) -> PartRejection {
        let reason =
            switch error.code {
            case .unsupportedTransferSyntax: StoreStatusCode.transferSyntaxNotSupported
            default: StoreStatusCode.cannotUnderstand
            }
        return PartRejection(failureReason: reason, comment: error.description)
    }
}

/// The bytes of the current part of a STOW-RS body, as a ByteSource.
struct MultipartPartBytes<Body: ByteSource>: ByteSource {
    let stream: StoreBodyStream<Body>

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try stream.readPart(into: buffer)
    }
}
