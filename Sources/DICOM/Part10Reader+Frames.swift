// The Part-10 reader's container bookkeeping: opening and closing sequences, items and encapsulated pixel data on
// the explicit frame stack, counting against the limits, publishing the header, and the end-of-stream checks.

extension Part10Reader {
    /// Counts one element or item header (or `bytes` of inline value) against the element and header limits.
    mutating func count(_ head: ElementHead, bytes: Int) throws(DICOMParseError) {
        if bytes == head.headerLength || head.tag.isItemOrDelimiter && bytes == 8 {
            elementCount += 1
            if elementCount > limits.elementCountMax {
                throw DICOMParseError(
                    .tooManyElements,
                    "\(head.name) is past the limit of \(limits.elementCountMax) elements (elementCountMax)",
                    offset: head.offset)
            }
        }
        headerByteCount += bytes
        if headerByteCount > limits.headerBytesMax {
            throw DICOMParseError(
                .headerTooLarge,
                "\(head.name) takes the header past the limit of \(limits.headerBytesMax) bytes (headerBytesMax)",
                offset: head.offset)
        }
    }

    /// Adds `element` to the innermost root or item frame.
    mutating func appendElement(_ element: DataElement) {
        frames[frames.count - 1].elements.append(element)
    }

    /// Opens a sequence, checking the nesting limit first.
    mutating func openSequence(_ head: ElementHead, end: Int64?, encoding: ElementEncoding) throws(DICOMParseError) {
        if sequenceDepth >= limits.sequenceDepthMax {
            throw DICOMParseError(
                .nestingTooDeep,
                "\(head.name) nests sequences deeper than the limit of \(limits.sequenceDepthMax) (sequenceDepthMax)",
                offset: head.offset)
        }
        sequenceDepth += 1
        let characterSet = frames[frames.count - 1].characterSet
        frames.append(ReaderFrame(kind: .sequence(head), end: end, encoding: encoding, characterSet: characterSet))
    }

    /// Closes every defined-length container that ends at the current offset, innermost first.
    mutating func closeEndedFrames() throws(DICOMParseError) {
        while let end = frames[frames.count - 1].end {
            if offset < end { return }
            if offset > end {
                let name = frames[frames.count - 1].name
                throw DICOMParseError(
                    .lengthPastEnd, "the \(name) ends at offset \(end), but its content runs to \(offset)",
                    offset: end)
            }
            closeTopFrame()
        }
    }

    /// Closes the innermost container, handing its content to its parent.
    mutating func closeTopFrame() {
        let frame = frames.removeLast()
        switch frame.kind {
        case .root:
            preconditionFailure("the root frame is never closed")
        case .item:
            frames[frames.count - 1].items.append(DataSet(frame.elements, characterSet: frame.characterSet))
        case .sequence(let head):
            sequenceDepth -= 1
            appendElement(DataElement(tag: head.tag, vr: .SQ, value: .sequence(frame.items)))
        case .fragments(let head):
            let parent = frames.count - 1
            guard let index = frames[parent].elements.lastIndex(where: { $0.tag == head.tag }),
                var bulk = frames[parent].elements[index].bulkData
            else { preconditionFailure("encapsulated pixel data without its element") }
            bulk.length = offset - head.valueOffset
            bulk.itemCount = frame.fragmentCount
            frames[parent].elements[index].value = .bulkData(bulk)
        }
    }

    /// Publishes the header when top-level pixel data starts.
    mutating func publishHeader() {
        guard let meta, let transferSyntax else { return }
        header = Part10Header(
            meta: meta, transferSyntax: transferSyntax,
            dataSet: DataSet(frames[0].elements, characterSet: frames[0].characterSet))
    }

    /// Checks the stream ended between elements with every container closed, and builds the final header.
    mutating func validateEnd() throws(DICOMParseError) -> Part10Header {
        switch step {
        case .preamble:
            throw DICOMParseError(
                .notDICOM,
                "the stream ended after \(offset) bytes, before the 128-byte preamble and \"DICM\" (PS3.10 §7.1)",
                offset: offset)
        case .head where !scratch.isEmpty, .longHead:
            throw DICOMParseError(
                .truncated,
                "the stream ended at offset \(offset) inside the header of an element starting at "
                    + "\(offset - Int64(scratch.count))", offset: offset)
        case .value(let head):
            throw truncated(head, received: Int64(value.count))
        case .skip(let head?, let remaining):
            throw truncated(head, received: Int64(head.length) - remaining)
        case .skip(nil, let remaining):
            throw DICOMParseError(
                .truncated,
                "the stream ended at offset \(offset) inside a fragment of the \(frames.last!.name), "
                    + "\(remaining) bytes short", offset: offset)
        case .head:
            break
        }
        if frames.count > 1 {
            throw DICOMParseError(
                .truncated,
                "the stream ended at offset \(offset) inside the \(frames[frames.count - 1].name), "
                    + "before its end or delimitation item", offset: offset)
        }
        if isInMetaGroup { try beginDataSet(at: offset) }
        guard let meta, let transferSyntax else { preconditionFailure("the data set began without meta") }
        return Part10Header(
            meta: meta, transferSyntax: transferSyntax,
            dataSet: DataSet(frames[0].elements, characterSet: frames[0].characterSet))
    }

    private func truncated(_ head: ElementHead, received: Int64) -> DICOMParseError {
        DICOMParseError(
            .truncated,
            "\(head.name) declares \(head.length) bytes, the stream ended after \(received) (at offset \(offset))",
            offset: offset)
    }
}
