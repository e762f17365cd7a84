// The Part-10 reader's element logic: decoding a header under the current encoding, then opening a sequence,
// item or encapsulated pixel data frame, keeping a value inline, or skipping it as bulk data (PS3.5 §7.1, §7.5).

extension Part10Reader {
    /// Decodes the 8 header bytes in `scratch`, switching from the meta group to the data set at the first tag
    /// outside group 0002.
    mutating func decodeHead() throws(DICOMParseError) {
        let headOffset = offset - 8
        if isInMetaGroup && frames.count == 1
            && (readUInt16(scratch, at: 0, bigEndian: false) != 0x0002 || headOffset >= deflatedMetaGroupEnd)
        {
            try beginDataSet(at: headOffset)
            if transferSyntax?.isDeflated == true {
                // The 8 bytes just read start the compressed stream: they go to the inflater, and offsets from
                // here on count inflated bytes.
                compressedHandOff = scratch
                scratch.removeAll(keepingCapacity: true)
                offset = headOffset
                inflater = try RawDeflateStream(.inflate)
                return
            }
        }
        var encoding = frames[frames.count - 1].encoding
        let group = readUInt16(scratch, at: 0, bigEndian: encoding.isBigEndian)
        let element = readUInt16(scratch, at: 2, bigEndian: encoding.isBigEndian)
        let tag = DICOMTag(group: group, element: element)
        if tag.isItemOrDelimiter {
            let length = readUInt32(scratch, at: 4, bigEndian: encoding.isBigEndian)
            scratch.removeAll(keepingCapacity: true)
            try beginItemTag(tag, length: length, at: headOffset)
            return
        }
        let looksExplicit = (0x41...0x5A).contains(scratch[4]) && (0x41...0x5A).contains(scratch[5])
        if detectsEncoding && frames.count == 1 {
            // pydicom's check: the first element decides whether the VR is written, whatever the syntax says.
            detectsEncoding = false
            if looksExplicit != encoding.isExplicitVR {
                encoding.isExplicitVR = looksExplicit
                frames[0].encoding = encoding
            }
        }
        var head = ElementHead(tag: tag, vr: .UN, length: 0, offset: headOffset, headerLength: 8)
        if encoding.isExplicitVR {
            guard looksExplicit else {
                throw DICOMParseError(
                    .invalidVR,
                    "\(head.name) has VR bytes 0x\(hex(scratch[4]))\(hex(scratch[5])), not two letters",
                    offset: headOffset + 4)
            }
            if let vr = VR(byte0: scratch[4], byte1: scratch[5]) {
                head.vr = vr
                if vr.hasLongLength {
                    head.headerLength = 12
                    step = .longHead(head)
                    return
                }
            }
            head.length = UInt32(readUInt16(scratch, at: 6, bigEndian: encoding.isBigEndian))
        } else {
            head.length = readUInt32(scratch, at: 4, bigEndian: encoding.isBigEndian)
            // Encapsulated pixel data (undefined length) is OB (PS3.5 §A.4); the dictionary's OW is for native.
            head.vr = tag == .pixelData && head.isUndefinedLength ? .OB : DataDictionary.vr(for: tag)
        }
        scratch.removeAll(keepingCapacity: true)
        try beginElement(head)
    }

    /// Acts on a complete element header: opens a container, starts an inline value, or skips a bulk one.
    mutating func beginElement(_ head: ElementHead) throws(DICOMParseError) {
        try count(head, bytes: head.headerLength)
        let top = frames[frames.count - 1].context
        if let end = top.end, head.valueOffset > end {
            throw DICOMParseError(
                .lengthPastEnd,
                "the header of \(head.name) runs past the end of the \(top.name), which ends at offset \(end)",
                offset: head.offset)
        }
        if head.isUndefinedLength {
            try beginUndefinedLength(head, in: top)
            return
        }
        let length = Int64(head.length)
        if length > limits.elementValueBytesMax {
            throw DICOMParseError(
                .valueTooLarge,
                "\(head.name) declares \(length) bytes, over the limit of \(limits.elementValueBytesMax) "
                    + "(elementValueBytesMax)", offset: head.offset)
        }
        if let end = top.end, head.valueOffset + length > end {
            throw DICOMParseError(
                .lengthPastEnd,
                "\(head.name) declares \(length) bytes, past the end of the \(top.name), which ends at offset \(end)",
                offset: head.offset)
        }
        if head.vr == .SQ {
            try openSequence(head, end: head.valueOffset + length, encoding: top.encoding)
            try closeEndedFrames()
            return
        }
        let unit = head.vr == .AT ? 4 : head.vr.byteSwapUnit
        if length % Int64(unit) != 0 {
            throw DICOMParseError(
                .invalidLength, "\(head.name) has VR \(head.vr) but a length of \(length), not a multiple of \(unit)",
                offset: head.offset)
        }
        if frames.count == 1 && !isInMetaGroup && Self.isPixelData(head.tag) {
            appendElement(DataElement(tag: head.tag, vr: head.vr, value: .bulkData(reference(head))))
            publishHeader()
            step = length == 0 ? .head : .skip(head, remaining: length)
            if length == 0 { try closeEndedFrames() }
            return
        }
        if length > Int64(limits.inlineValueBytesMax) {
            appendElement(DataElement(tag: head.tag, vr: head.vr, value: .bulkData(reference(head))))
            step = .skip(head, remaining: length)
            return
        }
        try count(head, bytes: Int(length))
        if length == 0 {
            try endValue(head)
        } else {
            value.reserveCapacity(Int(length))
            step = .value(head)
        }
    }

    /// Opens the container an undefined length implies: a sequence (SQ, UN per PS3.5 §6.2.2, or any tag in
    /// implicit VR), or encapsulated pixel data (PS3.5 §A.4).
    private mutating func beginUndefinedLength(_ head: ElementHead, in top: FrameContext) throws(DICOMParseError) {
        if Self.isPixelData(head.tag) && (head.vr == .OB || head.vr == .OW || head.vr == .UN) {
            let bulk = BulkDataReference(offset: head.valueOffset, length: nil, isEncapsulated: true)
            appendElement(DataElement(tag: head.tag, vr: head.vr == .UN ? .OB : head.vr, value: .bulkData(bulk)))
            if frames.count == 1 && !isInMetaGroup { publishHeader() }
            frames.append(
                ReaderFrame(kind: .fragments(head), end: nil, encoding: top.encoding, characterSet: top.characterSet))
            return
        }
        if head.vr == .SQ || !top.encoding.isExplicitVR {
            try openSequence(head, end: nil, encoding: top.encoding)
        } else if head.vr == .UN {
            try openSequence(head, end: nil, encoding: .implicitLittle)
        } else {
            throw DICOMParseError(
                .invalidLength,
                "\(head.name) has VR \(head.vr) and an undefined length, allowed only for SQ, UN and Pixel Data",
                offset: head.offset)
        }
    }

    /// Acts on an item or delimitation tag (PS3.5 §7.5): opens an item, skips a fragment, or closes a container.
    mutating func beginItemTag(_ tag: DICOMTag, length: UInt32, at headOffset: Int64) throws(DICOMParseError) {
        let head = ElementHead(tag: tag, vr: .UN, length: length, offset: headOffset, headerLength: 8)
        try count(head, bytes: 8)
        let top = frames[frames.count - 1].context
        switch (tag.element, top.kind) {
        case (0xE000, .sequence):
            var end: Int64?
            if !head.isUndefinedLength {
                end = head.valueOffset + Int64(length)
                if let parentEnd = top.end, end! > parentEnd {
                    throw DICOMParseError(
                        .lengthPastEnd,
                        "item at offset \(headOffset) declares \(length) bytes, past the end of the "
                            + "\(top.name), which ends at offset \(parentEnd)", offset: headOffset)
                }
            }
            frames.append(
                ReaderFrame(
                    kind: .item(offset: headOffset), end: end, encoding: top.encoding,
                    characterSet: top.characterSet))
            try closeEndedFrames()
        case (0xE000, .fragments):
            guard !head.isUndefinedLength else {
                throw DICOMParseError(
                    .invalidLength, "a fragment item at offset \(headOffset) of the \(top.name) has undefined length",
                    offset: headOffset)
            }
            guard Int64(length) <= limits.elementValueBytesMax else {
                throw DICOMParseError(
                    .valueTooLarge,
                    "a fragment item at offset \(headOffset) declares \(length) bytes, over the "
                        + "limit of \(limits.elementValueBytesMax) (elementValueBytesMax)", offset: headOffset)
            }
            frames[frames.count - 1].fragmentCount += 1
            if length > 0 { step = .skip(nil, remaining: Int64(length)) }
        case (0xE00D, .item) where top.end == nil, (0xE0DD, .sequence) where top.end == nil, (0xE0DD, .fragments):
            guard length == 0 else {
                throw DICOMParseError(
                    .invalidLength, "delimitation item \(tag) at offset \(headOffset) has length \(length), not 0",
                    offset: headOffset)
            }
            closeTopFrame()
            try closeEndedFrames()
        default:
            throw DICOMParseError(
                .unexpectedItem, "item tag \(tag) at offset \(headOffset) is not allowed in the \(top.name)",
                offset: headOffset)
        }
    }

    /// Stores a complete inline value, swapping big-endian numbers to little-endian.
    mutating func endValue(_ head: ElementHead) throws(DICOMParseError) {
        var bytes = value
        value = []
        if frames[frames.count - 1].encoding.isBigEndian && head.vr.byteSwapUnit > 1 {
            Self.swapBytes(&bytes, unit: head.vr.byteSwapUnit)
        }
        if head.tag == .specificCharacterSet {
            let term = TextDecoding.latin1(bytes)
            frames[frames.count - 1].characterSet = SpecificCharacterSet(term: term)
        }
        appendElement(DataElement(tag: head.tag, vr: head.vr, value: .bytes(bytes)))
        try closeEndedFrames()
    }

    /// Ends a skipped bulk value or fragment.
    mutating func endSkip(_ head: ElementHead?) throws(DICOMParseError) {
        try closeEndedFrames()
    }

    /// Where the meta group of a deflated file ends by its group length (0002,0000), since the compressed bytes
    /// after it may happen to start like a group 0002 tag; Int64.max otherwise.
    var deflatedMetaGroupEnd: Int64 {
        let meta = DataSet(frames[0].elements)
        guard let uid = meta.string(.transferSyntaxUID), TransferSyntax(uid: uid)?.isDeflated == true,
            let length = meta.integer(DICOMTag(group: 0x0002, element: 0x0000))
        else { return .max }
        return Int64(Self.preambleByteCount) + 12 + Int64(length)
    }

    /// Switches from the file meta group to the data set, whose encoding (0002,0010) names.
    mutating func beginDataSet(at dataSetOffset: Int64) throws(DICOMParseError) {
        precondition(frames.count == 1)
        let metaSet = DataSet(frames[0].elements)
        guard let uid = metaSet.string(.transferSyntaxUID), !uid.isEmpty else {
            throw DICOMParseError(
                .missingTransferSyntax,
                "the file meta group ending at offset \(dataSetOffset) has no Transfer Syntax UID (0002,0010)",
                offset: dataSetOffset)
        }
        guard let syntax = TransferSyntax(uid: uid) else {
            throw DICOMParseError(
                .invalidTransferSyntax, "Transfer Syntax UID (0002,0010) \"\(uid)\" is not a UID",
                offset: dataSetOffset)
        }
        meta = FileMetaInformation(dataSet: metaSet, dataSetOffset: dataSetOffset)
        transferSyntax = syntax
        isInMetaGroup = false
        detectsEncoding = true
        frames[0] = ReaderFrame(
            kind: .root, end: nil,
            encoding: ElementEncoding(isExplicitVR: syntax.isExplicitVR, isBigEndian: syntax.isBigEndian),
            characterSet: .default)
    }

    /// Whether `tag` is one of the pixel data elements that end the header (PS3.3 §C.7.6.3).
    static func isPixelData(_ tag: DICOMTag) -> Bool {
        tag == .pixelData || tag == .floatPixelData || tag == .doubleFloatPixelData
    }

    static func swapBytes(_ bytes: inout [UInt8], unit: Int) {
        bytes.withUnsafeMutableBufferPointer { buffer in
            var start = 0
            while start + unit <= buffer.count {
                var low = start
                var high = start + unit - 1
                while low < high {
                    buffer.swapAt(low, high)
                    low += 1
                    high -= 1
                }
                start += unit
            }
        }
    }

    private func reference(_ head: ElementHead) -> BulkDataReference {
        BulkDataReference(offset: head.valueOffset, length: Int64(head.length))
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
    }
}
