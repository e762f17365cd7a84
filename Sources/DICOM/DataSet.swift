// An ordered collection of data elements (PS3.5 §7): the main data set of an instance, the file meta group, or one
// item of a sequence. Typed accessors (string, integer, person name) are in DataSet+Values.swift.

/// A data set: elements in the order they were read or added.
public struct DataSet: Sendable, Equatable {
    /// The elements, in stream order (ascending tag order in a well-formed file).
    public var elements: [DataElement]
    /// The character set text values are decoded with: this data set's (0008,0005), or the enclosing one's.
    public var characterSet: SpecificCharacterSet

    /// Makes a data set.
    public init(_ elements: [DataElement] = [], characterSet: SpecificCharacterSet = .default) {
        self.elements = elements
        self.characterSet = characterSet
    }

    /// The element with `tag`, if present.
    public subscript(tag: DICOMTag) -> DataElement? {
        elements.first { $0.tag == tag }
    }

    /// Whether the data set has an element with `tag`.
    public func contains(_ tag: DICOMTag) -> Bool { elements.contains { $0.tag == tag } }

    /// Adds `element`, replacing any element with the same tag, and keeps ascending tag order when it held.
    public mutating func set(_ element: DataElement) {
        if let index = elements.firstIndex(where: { $0.tag == element.tag }) {
            elements[index] = element
        } else if let index = elements.firstIndex(where: { $0.tag > element.tag }) {
            elements.insert(element, at: index)
        } else {
            elements.append(element)
        }
    }

    /// Removes the element with `tag`, if present.
    public mutating func remove(_ tag: DICOMTag) {
        elements.removeAll { $0.tag == tag }
    }

    /// The elements sorted by ascending tag, as DICOM JSON and Part-10 writing need them.
    public var sortedElements: [DataElement] {
        var isSorted = true
        for index in elements.indices.dropFirst() where elements[index - 1].tag >= elements[index].tag {
            isSorted = false
            break
        }
        return isSorted ? elements : elements.sorted { $0.tag < $1.tag }
    }
}
