// Goal: each study answers with the patient its own instances name, never another study's, even when studies share
// a PatientID (a typo fixed at the modality, a name change, merged ID spaces) or have none; and the catalog reports
// such conflicts. Method: insert studies that share or lack PatientIDs, then search by each name at every level,
// list the conflicts, re-store, and reopen the catalog.
import Primitives
import SQLite
import TestSupport
import Testing

@testable import Catalog

@Suite("Patient attributes per study")
struct PatientConflictTests {
    /// One instance of study `study` (series `study`.1, SOP `study`.1.`number`) of the named patient.
    func instance(
        _ study: String, _ number: Int = 1, id: String, name: String, birthDate: String = "", sex: String = ""
    ) -> CatalogInstance {
        makeInstance(
            study: study, series: study + ".1", sop: study + ".1.\(number)",
            manifestNumber: UInt64(study.split(separator: ".").last.flatMap { Int($0) } ?? 0) * 100 + UInt64(number),
            extra: [
                CatalogTag.patientID: id, CatalogTag.patientName: name, CatalogTag.patientBirthDate: birthDate,
                CatalogTag.patientSex: sex,
            ])
    }

    /// The study UIDs a search for `name` at `level` finds (their studies, deduplicated in order).
    func studies(named name: String, at level: CatalogLevel, in catalog: Catalog) throws -> [String] {
        var found: [String] = []
        for match in try catalog.query(CatalogQuery(level: level, filters: [(CatalogTag.patientName, name)])) {
            let study = match.attributes[CatalogTag.studyInstanceUID] ?? "?"
            if found.last != study { found.append(study) }
        }
        return found
    }

    /// Checks that every level answers each study with its own patient name, and each name finds only its study.
    func expectOwnNames(_ names: [String: String], in catalog: Catalog) throws {
        for level in [CatalogLevel.study, .series, .instance] {
            for match in try catalog.query(CatalogQuery(level: level)) {
                let study = match.attributes[CatalogTag.studyInstanceUID] ?? "?"
                #expect(match.attributes[CatalogTag.patientName] == names[study], "\(level) of \(study)")
            }
            for (study, name) in names {
                #expect(try studies(named: name, at: level, in: catalog) == [study], "\(name) at \(level)")
            }
        }
    }

    @Test("two studies of one PatientID with different names each keep their own, and the second is reported")
    func twoStudies() throws {
        let test = try TestCatalog()
        #expect(try test.catalog.insert(instance("1.1", id: "P1", name: "Doe^John"), version: version(1)) == .stored())
        let outcome = try test.catalog.insert(
            instance("1.2", id: "P1", name: "Doe^Jon", birthDate: "19700101"), version: version(2))
        let expected = PatientConflict(
            patientID: "P1", issuerOfPatientID: "", studyInstanceUID: "1.2", otherStudyInstanceUID: "1.1",
            attributes: ["PatientName"])
        #expect(outcome == .stored(patientConflict: expected))
        #expect(expected.description.contains("PatientID P1"))
        try expectOwnNames(["1.1": "Doe^John", "1.2": "Doe^Jon"], in: test.catalog)
        let conflicts = try test.catalog.patientConflicts()
        #expect(conflicts.map(\.patientID) == ["P1"])
        #expect(conflicts.first?.studies.map(\.studyInstanceUID) == ["1.1", "1.2"])
        #expect(conflicts.first?.studies.map(\.patientName) == ["Doe^John", "Doe^Jon"])
        #expect(test.catalog.patientConflictCount == 1)
        let byID = try test.catalog.query(CatalogQuery(level: .study, filters: [(CatalogTag.patientID, "P1")]))
        #expect(byID.count == 2)
        #expect(
            byID.first { $0.attributes[CatalogTag.studyInstanceUID] == "1.1" }?.attributes[
                CatalogTag.patientBirthDate] == "")
    }

    @Test("an empty PatientID groups nothing: studies without one keep their names and conflict with none")
    func emptyPatientIDs() throws {
        let test = try TestCatalog()
        let outcomes = try test.catalog.insert([
            (instance("2.1", id: "", name: "Martin^Paul", sex: "M"), version(1)),
            (instance("2.2", id: "", name: "Bernard^Marie", sex: "F"), version(2)),
            (instance("2.3", id: "  ", name: "Petit^Luc"), version(3)),
        ])
        #expect(outcomes == [.stored(), .stored(), .stored()])
        try expectOwnNames(["2.1": "Martin^Paul", "2.2": "Bernard^Marie", "2.3": "Petit^Luc"], in: test.catalog)
        #expect(try test.catalog.patientConflicts().isEmpty)
        #expect(test.catalog.patientConflictCount == 0)
    }

    @Test("three studies with three names: each name finds its own study, the listing shows all three")
    func threeNames() throws {
        let test = try TestCatalog()
        let names = ["3.1": "Durand^Anne", "3.2": "Durand-Leroy^Anne", "3.3": "Leroy^Anne"]
        for (index, study) in names.keys.sorted().enumerated() {
            for number in 1...2 {
                _ = try test.catalog.insert(
                    instance(study, number, id: "P3", name: names[study] ?? ""),
                    version: version(Int64(index * 2 + number)))
            }
        }
        try expectOwnNames(names, in: test.catalog)
        let conflicts = try test.catalog.patientConflicts()
        #expect(conflicts.count == 1)
        #expect(conflicts.first?.studies.map(\.patientName) == ["Durand^Anne", "Durand-Leroy^Anne", "Leroy^Anne"])
        // Each instance of the second and third study disagreed with an earlier study when it was stored.
        #expect(test.catalog.patientConflictCount == 4)
    }

    @Test("names that differ only in case or trailing empty components are not a conflict")
    func sameNameSpelledAlike() throws {
        let test = try TestCatalog()
        _ = try test.catalog.insert(instance("4.1", id: "P4", name: "DOE^JANE"), version: version(1))
        #expect(
            try test.catalog.insert(instance("4.2", id: "P4", name: "Doe^Jane^^"), version: version(2)) == .stored())
        #expect(try test.catalog.patientConflicts().isEmpty)
    }

    @Test("a re-store of the first study changes nothing, and the answers are the same after a restart")
    func restoreAndRestart() throws {
        let test = try TestCatalog()
        let first = instance("5.1", id: "P5", name: "Moreau^Jean")
        _ = try test.catalog.insert(first, version: version(1))
        _ = try test.catalog.insert(instance("5.2", id: "P5", name: "Moreau^Jeanne", sex: "F"), version: version(2))
        #expect(try test.catalog.insert(first, version: version(3)) == .alreadyStored)
        let names = ["5.1": "Moreau^Jean", "5.2": "Moreau^Jeanne"]
        try expectOwnNames(names, in: test.catalog)
        let before = try test.catalog.patientConflicts()
        let reopened = try Catalog.open(path: test.catalog.path)
        try expectOwnNames(names, in: reopened)
        #expect(try reopened.patientConflicts() == before)
    }

    @Test("a version 1 catalog holding studies is refused as outdated; an empty one is migrated")
    func outdatedSchema() throws {
        let test = try TestCatalog()
        for (name, holdsStudy) in [("empty.sqlite", false), ("full.sqlite", true)] {
            let path = test.directory.appending(name)
            do {
                let connection = try Connection(path: path)
                try connection.execute(CatalogSchema.migrations[0])
                try connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
                try connection.execute("INSERT INTO schema_version VALUES (1)")
                if holdsStudy {
                    try connection.execute(
                        """
                        INSERT INTO patients VALUES (1, 'P', '', 'A^B', 'a^b', '', '', 'v');
                        INSERT INTO studies VALUES (1, '1.2', 1, '', '', '', '', '', '', '', '', '', '', 0, 0, 'v');
                        """)
                }
            }
            if holdsStudy {
                let error = #expect(throws: CatalogError.self) { try Catalog.open(path: path) }
                #expect(error?.code == .outdated)
                #expect(error?.message.contains("rebuild it from the store") == true)
            } else {
                let catalog = try Catalog.open(path: path)
                #expect(try catalog.insert(instance("6.1", id: "P", name: "A^B"), version: version(1)) == .stored())
                try expectOwnNames(["6.1": "A^B"], in: catalog)
            }
        }
    }
}

@Suite("Catalog rows do not depend on arrival order")
struct ArrivalOrderTests {
    /// Instances of two studies whose values disagree within a study and within a series.
    static func instances() -> [CatalogInstance] {
        let values: [[UInt32: String]] = [
            [CatalogTag.patientID: "P", CatalogTag.patientName: "Roe^Richard", CatalogTag.accessionNumber: "A2"],
            [CatalogTag.patientName: "Other^Name", CatalogTag.studyTime: "101500", CatalogTag.seriesNumber: "4"],
            [CatalogTag.patientID: "P", CatalogTag.studyTime: "0930", CatalogTag.modality: "MR"],
            [CatalogTag.accessionNumber: "A1", CatalogTag.seriesNumber: "3", CatalogTag.modality: "CT"],
        ]
        var instances = values.enumerated().map { index, extra in
            makeInstance(
                study: "7.1", series: "7.1.\(index % 2)", sop: "7.1.\(index % 2).\(index)",
                manifestNumber: UInt64(index + 1), extra: extra)
        }
        instances.append(
            makeInstance(
                study: "7.2", series: "7.2.1", sop: "7.2.1.1", manifestNumber: 9,
                extra: [CatalogTag.patientID: "P", CatalogTag.patientName: "Roe^Rick"]))
        return instances
    }

    /// Every answer at every level, as text.
    static func answers(_ catalog: Catalog) throws -> [String] {
        try [CatalogLevel.study, .series, .instance].flatMap { level in
            try catalog.query(CatalogQuery(level: level)).map { match in
                match.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            }
        }
    }

    @Test("every order of the same instances gives the same answers and the same conflict listing", arguments: 0..<6)
    func permutations(seed: UInt64) throws {
        let reference = try TestCatalog()
        _ = try reference.catalog.insert(Self.instances().enumerated().map { ($1, version(Int64($0))) })
        var generator = SeededRandom(seed: seed)
        var shuffled = Self.instances()
        shuffled.shuffle(using: &generator)
        let test = try TestCatalog()
        for (index, instance) in shuffled.enumerated() {
            _ = try test.catalog.insert(instance, version: version(Int64(index)))
        }
        #expect(try Self.answers(test.catalog) == Self.answers(reference.catalog))
        #expect(try test.catalog.patientConflicts() == reference.catalog.patientConflicts())
        let study = try #require(
            try reference.catalog.query(CatalogQuery(level: .study, studyInstanceUID: "7.1")).first)
        #expect(study.attributes[CatalogTag.accessionNumber] == "A1")
        #expect(study.attributes[CatalogTag.patientName] == "Other^Name")
        #expect(study.attributes[CatalogTag.studyTime] == "0930")
    }
}
