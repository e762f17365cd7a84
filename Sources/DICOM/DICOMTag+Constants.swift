// Named tags other modules use (the catalog, DICOMweb, the writer): one constant per attribute, named after its
// PS3.6 keyword in lower camel case. The full subset with VRs and names is DataDictionary.

extension DICOMTag {
    /// ErrorComment (0x0000,0902), LO: the reason of a failed or warned STOW-RS part in words (PS3.18 §I.2).
    public static let errorComment = DICOMTag(0x0000_0902)
    /// FileMetaInformationGroupLength (0x0002,0000), UL.
    public static let fileMetaInformationGroupLength = DICOMTag(0x0002_0000)
    /// FileMetaInformationVersion (0x0002,0001), OB.
    public static let fileMetaInformationVersion = DICOMTag(0x0002_0001)
    /// MediaStorageSOPClassUID (0x0002,0002), UI.
    public static let mediaStorageSOPClassUID = DICOMTag(0x0002_0002)
    /// MediaStorageSOPInstanceUID (0x0002,0003), UI.
    public static let mediaStorageSOPInstanceUID = DICOMTag(0x0002_0003)
    /// TransferSyntaxUID (0x0002,0010), UI.
    public static let transferSyntaxUID = DICOMTag(0x0002_0010)
    /// ImplementationClassUID (0x0002,0012), UI.
    public static let implementationClassUID = DICOMTag(0x0002_0012)
    /// ImplementationVersionName (0x0002,0013), SH.
    public static let implementationVersionName = DICOMTag(0x0002_0013)
    /// SourceApplicationEntityTitle (0x0002,0016), AE.
    public static let sourceApplicationEntityTitle = DICOMTag(0x0002_0016)
    /// SpecificCharacterSet (0x0008,0005), CS.
    public static let specificCharacterSet = DICOMTag(0x0008_0005)
    /// ImageType (0x0008,0008), CS.
    public static let imageType = DICOMTag(0x0008_0008)
    /// SOPClassUID (0x0008,0016), UI.
    public static let sopClassUID = DICOMTag(0x0008_0016)
    /// SOPInstanceUID (0x0008,0018), UI.
    public static let sopInstanceUID = DICOMTag(0x0008_0018)
    /// StudyDate (0x0008,0020), DA.
    public static let studyDate = DICOMTag(0x0008_0020)
    /// SeriesDate (0x0008,0021), DA.
    public static let seriesDate = DICOMTag(0x0008_0021)
    /// ContentDate (0x0008,0023), DA.
    public static let contentDate = DICOMTag(0x0008_0023)
    /// StudyTime (0x0008,0030), TM.
    public static let studyTime = DICOMTag(0x0008_0030)
    /// SeriesTime (0x0008,0031), TM.
    public static let seriesTime = DICOMTag(0x0008_0031)
    /// ContentTime (0x0008,0033), TM.
    public static let contentTime = DICOMTag(0x0008_0033)
    /// AccessionNumber (0x0008,0050), SH.
    public static let accessionNumber = DICOMTag(0x0008_0050)
    /// Modality (0x0008,0060), CS.
    public static let modality = DICOMTag(0x0008_0060)
    /// ModalitiesInStudy (0x0008,0061), CS.
    public static let modalitiesInStudy = DICOMTag(0x0008_0061)
    /// SOPClassesInStudy (0x0008,0062), UI.
    public static let sopClassesInStudy = DICOMTag(0x0008_0062)
    /// Manufacturer (0x0008,0070), LO.
    public static let manufacturer = DICOMTag(0x0008_0070)
    /// InstitutionName (0x0008,0080), LO.
    public static let institutionName = DICOMTag(0x0008_0080)
    /// ReferringPhysicianName (0x0008,0090), PN.
    public static let referringPhysicianName = DICOMTag(0x0008_0090)
    /// TimezoneOffsetFromUTC (0x0008,0201), SH.
    public static let timezoneOffsetFromUTC = DICOMTag(0x0008_0201)
    /// StudyDescription (0x0008,1030), LO.
    public static let studyDescription = DICOMTag(0x0008_1030)
    /// SeriesDescription (0x0008,103E), LO.
    public static let seriesDescription = DICOMTag(0x0008_103E)
    /// ReferencedSOPClassUID (0x0008,1150), UI.
    public static let referencedSOPClassUID = DICOMTag(0x0008_1150)
    /// ReferencedSOPInstanceUID (0x0008,1155), UI.
    public static let referencedSOPInstanceUID = DICOMTag(0x0008_1155)
    /// RetrieveURL (0x0008,1190), UR.
    public static let retrieveURL = DICOMTag(0x0008_1190)
    /// WarningReason (0x0008,1196), US.
    public static let warningReason = DICOMTag(0x0008_1196)
    /// FailureReason (0x0008,1197), US.
    public static let failureReason = DICOMTag(0x0008_1197)
    /// FailedSOPSequence (0x0008,1198), SQ.
    public static let failedSOPSequence = DICOMTag(0x0008_1198)
    /// ReferencedSOPSequence (0x0008,1199), SQ.
    public static let referencedSOPSequence = DICOMTag(0x0008_1199)
    /// OtherFailuresSequence (0x0008,119A), SQ.
    public static let otherFailuresSequence = DICOMTag(0x0008_119A)
    /// RetrieveAETitle (0x0008,0054), AE.
    public static let retrieveAETitle = DICOMTag(0x0008_0054)
    /// InstanceAvailability (0x0008,0056), CS.
    public static let instanceAvailability = DICOMTag(0x0008_0056)
    /// FailedSOPInstanceUIDList (0x0008,0058), UI: the instances a C-GET or C-MOVE could not send.
    public static let failedSOPInstanceUIDList = DICOMTag(0x0008_0058)
    /// QueryRetrieveLevel (0x0008,0052), CS.
    public static let queryRetrieveLevel = DICOMTag(0x0008_0052)
    /// PatientName (0x0010,0010), PN.
    public static let patientName = DICOMTag(0x0010_0010)
    /// PatientID (0x0010,0020), LO.
    public static let patientID = DICOMTag(0x0010_0020)
    /// IssuerOfPatientID (0x0010,0021), LO.
    public static let issuerOfPatientID = DICOMTag(0x0010_0021)
    /// PatientBirthDate (0x0010,0030), DA.
    public static let patientBirthDate = DICOMTag(0x0010_0030)
    /// PatientSex (0x0010,0040), CS.
    public static let patientSex = DICOMTag(0x0010_0040)
    /// PatientAge (0x0010,1010), AS.
    public static let patientAge = DICOMTag(0x0010_1010)
    /// BodyPartExamined (0x0018,0015), CS.
    public static let bodyPartExamined = DICOMTag(0x0018_0015)
    /// SliceThickness (0x0018,0050), DS.
    public static let sliceThickness = DICOMTag(0x0018_0050)
    /// KVP (0x0018,0060), DS.
    public static let kvp = DICOMTag(0x0018_0060)
    /// ProtocolName (0x0018,1030), LO.
    public static let protocolName = DICOMTag(0x0018_1030)
    /// PatientPosition (0x0018,5100), CS.
    public static let patientPosition = DICOMTag(0x0018_5100)
    /// StudyInstanceUID (0x0020,000D), UI.
    public static let studyInstanceUID = DICOMTag(0x0020_000D)
    /// SeriesInstanceUID (0x0020,000E), UI.
    public static let seriesInstanceUID = DICOMTag(0x0020_000E)
    /// StudyID (0x0020,0010), SH.
    public static let studyID = DICOMTag(0x0020_0010)
    /// SeriesNumber (0x0020,0011), IS.
    public static let seriesNumber = DICOMTag(0x0020_0011)
    /// InstanceNumber (0x0020,0013), IS.
    public static let instanceNumber = DICOMTag(0x0020_0013)
    /// AcquisitionNumber (0x0020,0012), IS.
    public static let acquisitionNumber = DICOMTag(0x0020_0012)
    /// ImagePositionPatient (0x0020,0032), DS.
    public static let imagePositionPatient = DICOMTag(0x0020_0032)
    /// ImageOrientationPatient (0x0020,0037), DS.
    public static let imageOrientationPatient = DICOMTag(0x0020_0037)
    /// FrameOfReferenceUID (0x0020,0052), UI.
    public static let frameOfReferenceUID = DICOMTag(0x0020_0052)
    /// SliceLocation (0x0020,1041), DS.
    public static let sliceLocation = DICOMTag(0x0020_1041)
    /// NumberOfStudyRelatedSeries (0x0020,1206), IS.
    public static let numberOfStudyRelatedSeries = DICOMTag(0x0020_1206)
    /// NumberOfStudyRelatedInstances (0x0020,1208), IS.
    public static let numberOfStudyRelatedInstances = DICOMTag(0x0020_1208)
    /// NumberOfSeriesRelatedInstances (0x0020,1209), IS.
    public static let numberOfSeriesRelatedInstances = DICOMTag(0x0020_1209)
    /// SamplesPerPixel (0x0028,0002), US.
    public static let samplesPerPixel = DICOMTag(0x0028_0002)
    /// PhotometricInterpretation (0x0028,0004), CS.
    public static let photometricInterpretation = DICOMTag(0x0028_0004)
    /// NumberOfFrames (0x0028,0008), IS.
    public static let numberOfFrames = DICOMTag(0x0028_0008)
    /// Rows (0x0028,0010), US.
    public static let rows = DICOMTag(0x0028_0010)
    /// Columns (0x0028,0011), US.
    public static let columns = DICOMTag(0x0028_0011)
    /// PixelSpacing (0x0028,0030), DS.
    public static let pixelSpacing = DICOMTag(0x0028_0030)
    /// BitsAllocated (0x0028,0100), US.
    public static let bitsAllocated = DICOMTag(0x0028_0100)
    /// BitsStored (0x0028,0101), US.
    public static let bitsStored = DICOMTag(0x0028_0101)
    /// HighBit (0x0028,0102), US.
    public static let highBit = DICOMTag(0x0028_0102)
    /// PixelRepresentation (0x0028,0103), US.
    public static let pixelRepresentation = DICOMTag(0x0028_0103)
    /// WindowCenter (0x0028,1050), DS.
    public static let windowCenter = DICOMTag(0x0028_1050)
    /// WindowWidth (0x0028,1051), DS.
    public static let windowWidth = DICOMTag(0x0028_1051)
    /// RescaleIntercept (0x0028,1052), DS.
    public static let rescaleIntercept = DICOMTag(0x0028_1052)
    /// RescaleSlope (0x0028,1053), DS.
    public static let rescaleSlope = DICOMTag(0x0028_1053)
    /// PerformedProcedureStepStartDate (0x0040,0244), DA.
    public static let performedProcedureStepStartDate = DICOMTag(0x0040_0244)
    /// PerformedProcedureStepStartTime (0x0040,0245), TM.
    public static let performedProcedureStepStartTime = DICOMTag(0x0040_0245)
    /// FloatPixelData (0x7FE0,0008), OF.
    public static let floatPixelData = DICOMTag(0x7FE0_0008)
    /// DoubleFloatPixelData (0x7FE0,0009), OD.
    public static let doubleFloatPixelData = DICOMTag(0x7FE0_0009)
    /// PixelData (0x7FE0,0010), OW.
    public static let pixelData = DICOMTag(0x7FE0_0010)
    /// DataSetTrailingPadding (0xFFFC,FFFC), OB.
    public static let dataSetTrailingPadding = DICOMTag(0xFFFC_FFFC)
    /// Item (0xFFFE,E000), UN.
    public static let item = DICOMTag(0xFFFE_E000)
    /// ItemDelimitationItem (0xFFFE,E00D), UN.
    public static let itemDelimitationItem = DICOMTag(0xFFFE_E00D)
    /// SequenceDelimitationItem (0xFFFE,E0DD), UN.
    public static let sequenceDelimitationItem = DICOMTag(0xFFFE_E0DD)
    /// CodeValue (0x0008,0100), SH.
    public static let codeValue = DICOMTag(0x0008_0100)
    /// CodingSchemeDesignator (0x0008,0102), SH.
    public static let codingSchemeDesignator = DICOMTag(0x0008_0102)
    /// CodeMeaning (0x0008,0104), LO.
    public static let codeMeaning = DICOMTag(0x0008_0104)
    /// PixelPaddingValue (0x0028,0120), US or SS.
    public static let pixelPaddingValue = DICOMTag(0x0028_0120)
    /// ReferencedImageSequence (0x0008,1140), SQ.
    public static let referencedImageSequence = DICOMTag(0x0008_1140)
}
