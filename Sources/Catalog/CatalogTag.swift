// The attribute tags the catalog indexes, as UInt32 (0xGGGGEEEE), so callers need not depend on the DICOM module's
// types. Names and numbers from PS3.6; which ones QIDO-RS matches from PS3.18 Tables 6.7.1-1, -1a, -2, -2a.
import DICOM

/// Tags of the attributes the catalog stores and matches.
public enum CatalogTag {
    /// (0010,0010) Patient's Name, PN.
    public static let patientName: UInt32 = 0x0010_0010
    /// (0010,0020) Patient ID, LO.
    public static let patientID: UInt32 = 0x0010_0020
    /// (0010,0021) Issuer of Patient ID, LO: with Patient ID, names the patient in the issuer's ID space.
    public static let issuerOfPatientID: UInt32 = 0x0010_0021
    /// (0010,1000) Other Patient IDs, LO (retired in PS3.6 but still written by many modalities).
    public static let otherPatientIDs: UInt32 = 0x0010_1000
    /// (0010,0030) Patient's Birth Date, DA.
    public static let patientBirthDate: UInt32 = 0x0010_0030
    /// (0010,0040) Patient's Sex, CS.
    public static let patientSex: UInt32 = 0x0010_0040
    /// (0008,0020) Study Date, DA.
    public static let studyDate: UInt32 = 0x0008_0020
    /// (0008,0030) Study Time, TM.
    public static let studyTime: UInt32 = 0x0008_0030
    /// (0008,0050) Accession Number, SH.
    public static let accessionNumber: UInt32 = 0x0008_0050
    /// (0008,0061) Modalities in Study, CS, computed from the study's series.
    public static let modalitiesInStudy: UInt32 = 0x0008_0061
    /// (0008,0090) Referring Physician's Name, PN.
    public static let referringPhysicianName: UInt32 = 0x0008_0090
    /// (0008,0201) Timezone Offset From UTC, SH.
    public static let timezoneOffsetFromUTC: UInt32 = 0x0008_0201
    /// (0008,1030) Study Description, LO.
    public static let studyDescription: UInt32 = 0x0008_1030
    /// (0020,0010) Study ID, SH.
    public static let studyID: UInt32 = 0x0020_0010
    /// (0020,000D) Study Instance UID, UI.
    public static let studyInstanceUID: UInt32 = 0x0020_000D
    /// (0020,1206) Number of Study Related Series, IS, computed.
    public static let numberOfStudyRelatedSeries: UInt32 = 0x0020_1206
    /// (0020,1208) Number of Study Related Instances, IS, computed.
    public static let numberOfStudyRelatedInstances: UInt32 = 0x0020_1208
    /// (0008,0060) Modality, CS.
    public static let modality: UInt32 = 0x0008_0060
    /// (0008,103E) Series Description, LO.
    public static let seriesDescription: UInt32 = 0x0008_103E
    /// (0020,0011) Series Number, IS.
    public static let seriesNumber: UInt32 = 0x0020_0011
    /// (0020,000E) Series Instance UID, UI.
    public static let seriesInstanceUID: UInt32 = 0x0020_000E
    /// (0040,0244) Performed Procedure Step Start Date, DA.
    public static let performedProcedureStepStartDate: UInt32 = 0x0040_0244
    /// (0040,0245) Performed Procedure Step Start Time, TM.
    public static let performedProcedureStepStartTime: UInt32 = 0x0040_0245
    /// (0020,1209) Number of Series Related Instances, IS, computed.
    public static let numberOfSeriesRelatedInstances: UInt32 = 0x0020_1209
    /// (0008,0016) SOP Class UID, UI.
    public static let sopClassUID: UInt32 = 0x0008_0016
    /// (0008,0018) SOP Instance UID, UI.
    public static let sopInstanceUID: UInt32 = 0x0008_0018
    /// (0020,0013) Instance Number, IS.
    public static let instanceNumber: UInt32 = 0x0020_0013
    /// (0028,0010) Rows, US.
    public static let rows: UInt32 = 0x0028_0010
    /// (0028,0011) Columns, US.
    public static let columns: UInt32 = 0x0028_0011
    /// (0028,0008) Number of Frames, IS.
    public static let numberOfFrames: UInt32 = 0x0028_0008

    /// "(GGGG,EEEE)" for messages.
    public static func text(_ tag: UInt32) -> String { DICOMTag(tag).description }
}
