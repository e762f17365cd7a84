// Encodes elements, sequences and encapsulated pixel data in one of the three byte layouts (PS3.5 §7.1, §7.5,
// §A.4): the writing half of the reader's header decoding, used only by Part10Writer.

/// Writes data elements in a given encoding.
struct ElementEncoder: Sendable {
    let encoding: ElementEncoding
    let options: Part10Writer.Options

    /// Appends every element of `dataSet`, in its order.
    func writeSet(_ dataSet: DataSet, into output: inout [UInt8]) {
        for element in dataSet.elements { write(element, into: &output) }
    }

    /// Appends one element; its value MUST be inline bytes or a sequence.
    func write(_ element: DataElement, into output: inout [UInt8]) {
        switch element.value {
        case .bytes(var bytes):
            if bytes.count % 2 == 1 { bytes.append(element.vr.paddingByte) }
            if encoding.isBigEndian && element.vr.byteSwapUnit > 1 {
                Part10Reader.swapBytes(&bytes, unit: element.vr.byteSwapUnit)
            }
            writeHead(element.tag, vr: element.vr, length: UInt32(bytes.count), into: &output)
            output.append(contentsOf: bytes)
        case .sequence(let items):
            var body: [UInt8] = []
            for item in items {
                var content: [UInt8] = []
                writeSet(item, into: &content)
                if options.undefinedLengthItems {
                    writeTag(.item, length: ElementHead.undefinedLength, into: &body)
                    body.append(contentsOf: content)
                    writeTag(.itemDelimitationItem, length: 0, into: &body)
                } else {
                    writeTag(.item, length: UInt32(content.count), into: &body)
                    body.append(contentsOf: content)
                }
            }
            if options.undefinedLengthSequences {
                writeHead(element.tag, vr: .SQ, length: ElementHead.undefinedLength, into: &output)
                output.append(contentsOf: body)
                writeTag(.sequenceDelimitationItem, length: 0, into: &output)
            } else {
                writeHead(element.tag, vr: .SQ, length: UInt32(body.count), into: &output)
                output.append(contentsOf: body)
            }
        case .bulkData:
            preconditionFailure("Part10Writer cannot write \(DataDictionary.describe(element.tag)): bulk data")
        }
    }

    /// Appends (7FE0,0010) OB of undefined length: the offset table item, one item per fragment, a delimiter.
    func writeEncapsulated(offsetTable: [UInt32], fragments: [[UInt8]], into output: inout [UInt8]) {
        writeHead(.pixelData, vr: .OB, length: ElementHead.undefinedLength, into: &output)
        writeTag(.item, length: UInt32(offsetTable.count * 4), into: &output)
        for entry in offsetTable { appendUInt32(entry, into: &output) }
        for fragment in fragments {
            let padded = fragment.count % 2 == 1 ? fragment + [0] : fragment
            writeTag(.item, length: UInt32(padded.count), into: &output)
            output.append(contentsOf: padded)
        }
        writeTag(.sequenceDelimitationItem, length: 0, into: &output)
    }

    /// Appends an element header: 8 or 12 bytes in explicit VR, 8 in implicit VR.
    func writeHead(_ tag: DICOMTag, vr: VR, length: UInt32, into output: inout [UInt8]) {
        appendUInt16(tag.group, into: &output)
        appendUInt16(tag.element, into: &output)
        guard encoding.isExplicitVR else {
            appendUInt32(length, into: &output)
            return
        }
        output.append(contentsOf: vr.rawValue.utf8)
        if vr.hasLongLength {
            output.append(contentsOf: [0, 0])
            appendUInt32(length, into: &output)
        } else {
            precondition(length <= 0xFFFF, "\(DataDictionary.describe(tag)) is too long for VR \(vr)")
            appendUInt16(UInt16(length), into: &output)
        }
    }

    /// Appends an item or delimitation header (tag and 32-bit length, no VR in any encoding).
    func writeTag(_ tag: DICOMTag, length: UInt32, into output: inout [UInt8]) {
        appendUInt16(tag.group, into: &output)
        appendUInt16(tag.element, into: &output)
        appendUInt32(length, into: &output)
    }

    private func appendUInt16(_ value: UInt16, into output: inout [UInt8]) {
        let ordered = encoding.isBigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { output.append(contentsOf: $0) }
    }

    private func appendUInt32(_ value: UInt32, into output: inout [UInt8]) {
        let ordered = encoding.isBigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { output.append(contentsOf: $0) }
    }
}
