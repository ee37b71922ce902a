import FHIRModel

/// What `SyntheticImmPortStudy.write(to:)` wrote.
public struct SyntheticStudyFiles: Sendable {
    /// FHIR resources by type.
    public var fhirResources: [String: Int] = [:]
    /// Records by file, relative to `shared-data/` (`api/study/demographic/SDY99990.json`).
    public var sharedDataRecords: [String: Int] = [:]
    public var discrepancies = 0
    public var files = 0
    public var bytes = 0

    public var fhirResourceCount: Int { fhirResources.values.reduce(0, +) }
}

extension SyntheticImmPortStudy {
    /// Resource types in the order the study writes them.
    public static let fhirTypes = [
        "ResearchStudy", "Group", "Organization", "Practitioner", "PractitionerRole", "Patient", "ResearchSubject",
        "Specimen", "Observation", "DiagnosticReport",
    ]

    /// Writes the study into `directory` (which must not exist, or be empty): `fhir/`, `shared-data/` and
    /// `discrepancies.json`. All or nothing; memory stays flat whatever the number of subjects.
    @discardableResult
    public func write(to directory: String) throws -> SyntheticStudyFiles {
        let output = try GeneratedDirectory(path: directory)
        var written = SyntheticStudyFiles()
        func encoded(_ resource: FHIRElement) -> [UInt8] {
            var bytes = MinimalJSONEncoder.encode(resource)
            bytes.append(0x0A)
            return bytes
        }
        switch fhirLayout {
        case .files:
            func add(_ resource: FHIRElement) throws {
                let type = resource.resourceType ?? "Resource"
                try output.write(encoded(resource), to: "fhir/\(type)-\(resource["id"]?.stringValue ?? "").json")
                written.fhirResources[type, default: 0] += 1
            }
            for resource in studyResources() { try add(resource) }
            try forEachSubject { subject in
                for resource in subjectResources(subject) { try add(resource) }
            }
        case .ndjson:
            // One pass per type, so that each file is streamed on its own.
            for type in Self.fhirTypes {
                try output.stream("fhir/\(type).ndjson") { writer in
                    func add(_ resource: FHIRElement) throws {
                        guard resource.resourceType == type else { return }
                        try writer.append { MinimalJSONEncoder.encode(resource, into: &$0); $0.append(0x0A) }
                        written.fhirResources[type, default: 0] += 1
                    }
                    for resource in studyResources() { try add(resource) }
                    try forEachSubject { subject in
                        for resource in subjectResources(subject) { try add(resource) }
                    }
                }
            }
        }
        for file in SharedDataFile.allCases {
            let path = file.path(accession)
            if file == .summary {  // the summary endpoint answers one object
                try output.write(encoded(studyRecords(file)[0]), to: "shared-data/" + path)
                written.sharedDataRecords[path] = 1
                continue
            }
            written.sharedDataRecords[path] = try output.writeArray(to: "shared-data/" + path) { add in
                for record in studyRecords(file) { try add(record) }
                try forEachSubject { subject in
                    for record in subjectRecords(file, subject) { try add(record) }
                }
            }
        }
        try output.stream("discrepancies.json") { writer in
            try writer.write(
                "{\"description\":\"Every deliberate disagreement of the generated SYNTHETIC study \(accession) "
                    + "(\(subjects) subjects, seed \(seed)), as the default mapping sees it (Fixtures/README.md).\","
                    + "\"mapping\":\"Mappings/immport.yaml\",\"studies\":[\"\(accession)\"],\"discrepancies\":[")
            var count = 0
            func add(_ finding: FHIRElement) throws {
                try writer.append { buffer in
                    buffer.append(contentsOf: (count == 0 ? "\n" : ",\n").utf8)
                    MinimalJSONEncoder.encode(finding, into: &buffer)
                }
                count += 1
            }
            for finding in studyDiscrepancies() { try add(finding) }
            try forEachSubject { subject in
                for finding in discrepancies(of: subject) { try add(finding) }
            }
            try writer.write("\n]}\n")
            written.discrepancies = count
        }
        try output.commit()
        written.files = output.files
        written.bytes = output.bytes
        return written
    }
}
