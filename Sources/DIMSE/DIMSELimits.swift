// The bounds every PDU and command decoder works within (STYLE.md, "A limit on everything"). Owns the numbers only;
// the decoders enforce them and name the limit they hit.

/// Limits on what one association may send us; exceeding one is a DIMSEError naming the limit.
public struct DIMSELimits: Sendable, Equatable {
    /// The largest P-DATA-TF variable field we accept, and so the Maximum Length we announce (PS3.8 §D.1). A
    /// data set arrives in pieces of at most this size, so it also bounds what one association holds in memory.
    public var dataPDUBytesMax: Int
    /// The largest A-ASSOCIATE-RQ or -AC: 128 presentation contexts of several transfer syntaxes fit in far less.
    public var associationPDUBytesMax: Int
    /// The most presentation contexts in one request (PS3.8 §9.3.2.2: odd identifiers 1 to 255, so 128).
    public var presentationContextCountMax: Int
    /// The most transfer syntaxes one presentation context may propose.
    public var transferSyntaxCountMax: Int
    /// The most SCP/SCU role selections in one request.
    public var roleSelectionCountMax: Int
    /// The largest command set, all its fragments together (PS3.7 §6.3.1).
    public var commandBytesMax: Int

    /// Makes limits; the defaults suit modalities and PACS sending large studies.
    public init(
        dataPDUBytesMax: Int = 1 << 20, associationPDUBytesMax: Int = 256 << 10, presentationContextCountMax: Int = 128,
        transferSyntaxCountMax: Int = 64, roleSelectionCountMax: Int = 128, commandBytesMax: Int = 64 << 10
    ) {
        precondition(dataPDUBytesMax >= Self.dataPDUBytesMin, "P-DATA limit below the smallest PS3.8 allows")
        precondition(associationPDUBytesMax >= 68, "association PDU limit below its fixed fields")
        precondition(presentationContextCountMax > 0 && transferSyntaxCountMax > 0, "limits too small")
        precondition(roleSelectionCountMax >= 0 && commandBytesMax > 0, "limits too small")
        self.dataPDUBytesMax = dataPDUBytesMax
        self.associationPDUBytesMax = associationPDUBytesMax
        self.presentationContextCountMax = presentationContextCountMax
        self.transferSyntaxCountMax = transferSyntaxCountMax
        self.roleSelectionCountMax = roleSelectionCountMax
        self.commandBytesMax = commandBytesMax
    }

    /// The smallest P-DATA limit that still carries a PDV with data: its 4-byte length, context and header bytes.
    public static let dataPDUBytesMin = 8
}
