// The position of an element inside nested sequences, handed to the BulkDataURI callback of DICOM JSON so WADO-RS
// can name the value it will serve.

/// Where an element sits: the tags from the top-level data set down, and the item index taken at each sequence.
public struct DataElementPath: Sendable, Hashable, CustomStringConvertible {
    /// The tags from the top-level element down to this one.
    public var tags: [DICOMTag]
    /// The item index chosen in each enclosing sequence: one fewer than `tags` for an element, as many for the
    /// path of an item.
    public var itemIndices: [Int]

    /// Makes a path.
    public init(tags: [DICOMTag], itemIndices: [Int] = []) {
        precondition(itemIndices.count <= tags.count && itemIndices.count + 1 >= tags.count)
        self.tags = tags
        self.itemIndices = itemIndices
    }

    /// The element's own tag.
    public var tag: DICOMTag { tags[tags.count - 1] }

    /// `00081140/0/00081155` style: tags in hexadecimal, item indices between them.
    public var description: String {
        var parts: [String] = []
        for (index, tag) in tags.enumerated() {
            if index > 0 { parts.append(String(itemIndices[index - 1])) }
            parts.append(tag.hexString)
        }
        return parts.joined(separator: "/")
    }
}
