import FHIRModel
import ImmPortAPI
import Testing

/// The deduplicator keeps each key's version as a number when it is one written plainly and as text otherwise:
/// its verdicts are those of `isNewer` over the versions as they came, whatever their form.
@Suite struct DeduplicatorVersionTests {
    @Test func verdictsFollowTheVersionsAsTheyCame() {
        let versions: [String?] = [
            nil, "1", "2", "10", "9", "007", "7", "8", "+9", "-1", "abc", "abd", "ab", "2147483647", "2147483648",
            "99999999999999999999", "0", "", " 3", "3", "W/\"4\"",
        ]
        // Every version after every other, under a key of its own for each ordered pair, and a run of them all
        // under one key.
        var deduplicator = FHIRResourceDeduplicator()
        var kept: [String: String?] = [:]
        func admit(_ key: FHIRResourceKey, _ version: String?) {
            let name = key.description
            let expected: FHIRResourceDeduplicator.Verdict
            if let known = kept[name] {
                if let version, FHIRResourceDeduplicator.isNewer(version, than: known) {
                    expected = .newerVersion
                    kept[name] = version
                } else {
                    expected = .duplicate
                }
            } else {
                expected = .new
                kept[name] = version
            }
            #expect(deduplicator.admit(key, versionId: version) == expected, "\(name) \(version ?? "nil")")
        }
        for (a, first) in versions.enumerated() {
            for (b, second) in versions.enumerated() {
                let key = FHIRResourceKey(type: "Observation", id: "o\(a)-\(b)")
                admit(key, first)
                admit(key, second)
            }
        }
        for version in versions + versions.reversed() { admit(FHIRResourceKey(type: "Patient", id: "all"), version) }
    }
}
