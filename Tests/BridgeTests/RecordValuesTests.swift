@testable import Bridge
@testable import FHIRModel
import Testing

/// `RecordValues.firstValue` and `hasValue` read one value without the array `values(of:path:)` makes: they must
/// give its first value and its membership, whatever the field holds.
@Suite struct RecordValuesTests {
    static let records: [String] = [
        #"{}"#,
        #"{"accession":"SUB1"}"#,
        #"{"accession":""}"#,
        #"{"accession":null}"#,
        #"{"accession":15.10}"#,
        #"{"accession":true}"#,
        #"{"accession":false}"#,
        #"{"accession":{"code":"x"}}"#,
        #"{"accession":[]}"#,
        #"{"accession":[null,{"a":1},"second","third"]}"#,
        #"{"accession":[null,7,"x"]}"#,
        #"{"accession":[{"a":1}]}"#,
        #"{"accession":["SUB1","SUB1"]}"#,
        #"{"subject":{"accession":"SUB2"}}"#,
        #"{"subject":[{"accession":null},{"accession":["SUB3","SUB4"]},{"accession":"SUB5"}]}"#,
        #"{"subject":"SUB6"}"#,
        #"{"subject":[]}"#,
    ]
    static let paths = ["accession", "subject.accession", "subject", "missing", "subject.missing.deeper"]
    static let probes = ["SUB1", "", "15.10", "15.1", "true", "false", "second", "third", "7", "SUB3", "SUB4", "SUB5", "SUB6", "x"]

    @Test func theFirstValueAndMembershipAreTheValuesArrays() throws {
        var compared = 0
        for text in Self.records {
            let record = try FHIRJSONReader().read(Array(text.utf8))
            for path in Self.paths {
                let values = RecordValues.values(of: record, path: path)
                #expect(RecordValues.firstValue(of: record, path: path) == values.first, "\(text) at \(path)")
                for probe in Self.probes {
                    #expect(RecordValues.hasValue(probe, of: record, path: path) == values.contains(probe), "\(probe) in \(text) at \(path)")
                }
                compared += 1
            }
        }
        #expect(compared == Self.records.count * Self.paths.count)
    }
}

extension RecordValuesTests {
    /// A path is one name exactly when it has no `.`, wherever the dot is and however long the path (a string of
    /// more than 15 bytes has storage of its own); a dotted path walks the record.
    @Test func onlyPathsWithoutADotAreOneName() throws {
        for path in ["", "accession", "a_field_name_longer_than_fifteen_bytes", "ünïcödé"] { #expect(RecordValues.isOneName(path), "\(path)") }
        for path in [".", "subject.accession", "a_field_name_longer_than_fifteen_bytes.", ".leading", "x.y.z"] {
            #expect(!RecordValues.isOneName(path), "\(path)")
        }
        let record = try FHIRJSONReader().read(Array(#"{"subject":[{"accession":"SUB3"},{"accession":"SUB5"}],"subject.accession":"NOT"}"#.utf8))
        #expect(Array(RecordValues.values(of: record, path: "subject.accession")) == ["SUB3", "SUB5"])
    }
}
