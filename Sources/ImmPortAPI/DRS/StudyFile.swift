import FHIRModel

/// One file of a study's manifest (`/api/study/manifest/{SDY}`, model `FileDetails`): what `files list` shows and
/// what `files get` downloads. `fileUUID` is the file's GA4GH DRS object id.
public struct StudyFile: Sendable, Equatable {
    public var accession: String
    public var name: String
    /// ImmPort's file type as written (`Study Protocol`, `Experiment Data`, ...).
    public var fileType: String
    public var size: Int?
    /// The submitter's MD5 (often null).
    public var reportedMD5: String?
    /// ImmPort's own MD5 of the stored file.
    public var generatedMD5: String?
    /// The DRS object id.
    public var drsID: String?
    /// Where ImmPort files it (`/SDY99903/files/x.txt`).
    public var path: String?

    public init(
        accession: String, name: String, fileType: String, size: Int?, reportedMD5: String?, generatedMD5: String?, drsID: String?,
        path: String?
    ) {
        self.accession = accession
        self.name = name
        self.fileType = fileType
        self.size = size
        self.reportedMD5 = reportedMD5
        self.generatedMD5 = generatedMD5
        self.drsID = drsID
        self.path = path
    }

    /// Reads a manifest record; nil for a record without an accession or a name (nothing to call it by).
    /// Numbers as strings and blank checksums are accepted, as the API sends them.
    public init?(record: FHIRElement) {
        func text(_ key: String) -> String? {
            let value = record[key]?.stringValue ?? record[key]?.numberValue?.text
            guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return value.trimmingCharacters(in: .whitespaces)
        }
        guard let accession = text("fileAccession"), let name = text("fileName") else { return nil }
        self.init(
            accession: accession, name: name, fileType: text("fileType") ?? "", size: text("filesizeBytes").flatMap { Int($0) },
            reportedMD5: text("reportedMD5")?.lowercased(), generatedMD5: text("generatedMD5")?.lowercased(), drsID: text("fileUUID"),
            path: text("path"))
    }

    /// The kind `--type` selects by.
    public var kind: Kind { Kind(fileType: fileType) }

    /// `files --type`: protocols, result files, and everything else the study holds.
    public enum Kind: String, Sendable, CaseIterable {
        case result, `protocol`, study

        /// `Study Protocol` is a protocol; `Experiment Data`, `... Result ...` and assay files are results; the rest
        /// (`Study Data`, `Study File`, ...) is the study's.
        public init(fileType: String) {
            let lowered = fileType.lowercased()
            if lowered.contains("protocol") {
                self = .protocol
            } else if lowered.contains("result") || lowered.contains("experiment") || lowered.contains("assay") {
                self = .result
            } else {
                self = .study
            }
        }
    }

    /// The MD5s the file must have, most trusted first: ImmPort's own, then the submitter's when it differs.
    public var expectedMD5s: [String] {
        var all: [String] = []
        for value in [generatedMD5, reportedMD5].compactMap({ $0 }) where !all.contains(value) { all.append(value) }
        return all
    }
}
