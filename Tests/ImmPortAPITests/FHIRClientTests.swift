import FHIRModel
import ImmPortAPI
import ImmPortTestServer
import Testing

@Suite struct FHIRClientTests {
    @Test func readsCapabilities() async throws {
        try await Harness.with { h in
            let capabilities = try await h.fhir.capabilities()
            #expect(capabilities.fhirVersion == "5.0.0")
            #expect(capabilities.supportsSearch("ResearchSubject", parameter: "study"))
            #expect(capabilities.supportsInclude(on: "ResearchSubject", "ResearchSubject:subject"))
            #expect(capabilities.supportsRevInclude(on: "Patient", "Specimen:subject"))
            #expect(!capabilities.supportsInclude(on: "ResearchSubject", "ResearchSubject:nonsense"))
        }
    }

    @Test func pagesThroughNextLinksUntilThereIsNone() async throws {
        try await Harness.with { h in
            var pages: [FHIRSearchPage] = []
            for try await page in h.fhir.search("Specimen", [("_count", "5")]) { pages.append(page) }
            #expect(pages.count == 6)  // 27 specimens (13 of SDY99901 and SDY99902, 14 of SDY99903) in pages of 5
            #expect(pages.flatMap(\.entries).count == 27)
            #expect(Set(pages.flatMap(\.entries).map(\.key)).count == 27)
            #expect(pages.allSatisfy { $0.total == nil }, "the server sends no total; paging must not need it")
            let nextRequests = h.server.state.requests.filter { $0.uri.contains("_getpages=") }
            #expect(nextRequests.count == 5)
        }
    }

    @Test func oversizedCountIsCappedByTheServerAndStillComplete() async throws {
        try await Harness.with(configure: { $0.maxPageSize = 4 }) { h in
            let all = try await h.fhir.searchAll("Observation", [("_count", "500")])
            #expect(all.count == 27)
            #expect(h.fhir.pagesFetched == 7)
        }
    }

    @Test func includesAndRevincludesCarrySearchMode() async throws {
        try await Harness.with { h in
            var matches: [FHIRResourceKey] = []
            var includes: [FHIRResourceKey] = []
            for try await page in h.fhir.search(
                "ResearchSubject", [("study", "ResearchStudy/study-SDY99901"), ("_include", "ResearchSubject:subject"), ("_count", "4")])
            {
                matches += page.matches.map(\.key)
                includes += page.includes.map(\.key)
            }
            #expect(matches.count == 6 && matches.allSatisfy { $0.type == "ResearchSubject" })
            #expect(Set(includes) == Set((1...6).map { FHIRResourceKey(type: "Patient", id: "subject-SUB999010\($0)") }))

            var revincluded: [FHIRResourceKey] = []
            for try await page in h.fhir.search("Patient", [("_id", "subject-SUB9990101"), ("_revinclude", "Specimen:subject")]) {
                #expect(page.matches.map(\.key) == [FHIRResourceKey(type: "Patient", id: "subject-SUB9990101")])
                revincluded += page.includes.map(\.key)
            }
            #expect(Set(revincluded.map(\.id)) == ["specimen-BS99901011", "specimen-BS99901012"])
        }
    }

    @Test func expiredPageRestartsTheSearchAndSkipsWhatWasSeen() async throws {
        try await Harness.with { h in
            h.server.inject(.gone, on: .searchPage(3))
            var keys: [FHIRResourceKey] = []
            var restarted = false
            for try await page in h.fhir.search("Observation", [("_count", "4")]) {
                keys += page.entries.map(\.key)
                restarted = restarted || page.restartedAfterExpiry
            }
            #expect(restarted)
            #expect(keys.count == 27)
            #expect(Set(keys).count == 27, "a restarted search handed out duplicates")
        }
    }

    @Test func duplicateEntriesAcrossPagesAreDropped() async throws {
        try await Harness.with { h in
            h.server.inject(.duplicateEntries, on: .searchPage(2))
            var keys: [FHIRResourceKey] = []
            var dropped = 0
            for try await page in h.fhir.search("Observation", [("_count", "5")]) {
                keys += page.entries.map(\.key)
                dropped += page.duplicatesDropped
            }
            #expect(keys.count == 27 && Set(keys).count == 27)
            #expect(dropped == 5)
        }
    }

    @Test func prefetchingGivesTheSamePages() async throws {
        try await Harness.with { h in
            var plain: [FHIRResourceKey] = []
            for try await page in h.fhir.search("Observation", [("_count", "3")]) { plain += page.entries.map(\.key) }
            var prefetched: [FHIRResourceKey] = []
            for try await page in h.fhir.search("Observation", [("_count", "3")], options: .init(prefetch: true)) {
                prefetched += page.entries.map(\.key)
            }
            #expect(plain == prefetched && plain.count == 27)
        }
    }

    @Test func readAndVread() async throws {
        try await Harness.with { h in
            let study = try await h.fhir.read("ResearchStudy", id: "study-SDY99901")
            #expect(study.versionId == "2")
            let version = try await h.fhir.vread("ResearchStudy", id: "study-SDY99901", versionId: "2")
            #expect(version == study)
            do {
                _ = try await h.fhir.vread("ResearchStudy", id: "study-SDY99901", versionId: "7")
                Issue.record("expected 404")
            } catch let error as ImmPortAPIError {
                #expect(error.kind == .notFound)
                #expect(error.diagnostics.contains { $0.contains("HAPI-0979") })
            }
        }
    }

    @Test func operationOutcomeBecomesATypedError() async throws {
        try await Harness.with { h in
            do {
                _ = try await h.fhir.read("Patient", id: "nobody")
                Issue.record("expected 404")
            } catch let error as ImmPortAPIError {
                #expect(error.kind == .notFound && error.status == 404)
                #expect(error.diagnostics == ["error not-found: HAPI-2001: Resource Patient/nobody is not known"])
                #expect(checkedText(error).contains("/fhir/Patient/nobody"))
            }
            do {
                for try await _ in h.fhir.search("Patient", [("shoe-size", "9")]) {}
                Issue.record("expected 400")
            } catch let error as ImmPortAPIError {
                #expect(error.status == 400 && error.attempts == 1, "400 must not be retried")
                #expect(error.diagnostics.first?.contains("HAPI-0524: Unknown search parameter \"shoe-size\"") == true)
            }
        }
    }

    @Test func deduplicationKeepsTheNewestVersion() async throws {
        var dedup = FHIRResourceDeduplicator()
        let key = FHIRResourceKey(type: "Patient", id: "1")
        #expect(dedup.admit(key, versionId: "2") == .new)
        #expect(dedup.admit(key, versionId: "1") == .duplicate)
        #expect(dedup.admit(key, versionId: "2") == .duplicate)
        #expect(dedup.admit(key, versionId: "10") == .newerVersion)
        var collection = FHIRResourceCollection()
        collection.add(["resourceType": "Patient", "id": "1", "meta": ["versionId": "1"], "gender": "male"])
        collection.add(["resourceType": "Patient", "id": "1", "meta": ["versionId": "3"], "gender": "female"])
        collection.add(["resourceType": "Patient", "id": "1", "meta": ["versionId": "2"], "gender": "other"])
        #expect(try collection.count == 1 && collection.resource(key)?["gender"] == "female" && collection.duplicatesDropped == 1)
    }

    /// A selection keeps positions in the table it shares: its order, its members only, duplicates counted, and a
    /// table of its own once something is added to it (the collection it came from is unchanged).
    @Test func aSelectionSharesItsCollectionsTable() throws {
        var all = FHIRResourceCollection()
        for id in ["a", "b", "c", "d"] { all.add(["resourceType": "Patient", "id": .string(id)]) }
        all.add(["resourceType": "Group", "id": "g"])
        let key = { (type: String, id: String) in FHIRResourceKey(type: type, id: id) }
        var selected = all.selecting([key("Patient", "c"), key("Group", "g"), key("Patient", "a"), key("Patient", "c"), key("Patient", "zz")])
        #expect(selected.keys == [key("Patient", "c"), key("Group", "g"), key("Patient", "a")])
        #expect(selected.count == 3 && selected.duplicatesDropped == 1)
        // By position: the same selection, without a look-up per key.
        let byPosition = all.selecting(positions: [key("Patient", "c"), key("Group", "g"), key("Patient", "a"), key("Patient", "c")].map { all.position(ofKey: $0)! })
        #expect(byPosition.keys == selected.keys && byPosition.duplicatesDropped == 1)
        #expect(selected.contains(key("Patient", "a")) && !selected.contains(key("Patient", "b")))
        #expect(try selected.resource(key("Patient", "b")) == nil && selected.resource(key("Patient", "c"))?["id"] == "c")
        #expect(selected.keys(ofType: "Patient") == [key("Patient", "c"), key("Patient", "a")])
        // Positions by type (found by the table's type numbers) are those of the keys of the type, in order.
        for collection in [all, selected] {
            for type in ["Patient", "Group", "Observation"] {
                #expect(collection.positions(ofType: type).map(collection.key(at:)) == collection.keys(ofType: type))
            }
        }
        #expect(selected.positions(ofType: "Observation").isEmpty && all.positions(ofType: "Group").count == 1)
        #expect(try selected.ordered().map { $0["id"]?.stringValue } == ["c", "g", "a"])
        selected.add(["resourceType": "Patient", "id": "e"])
        selected.add(["resourceType": "Patient", "id": "a"])
        #expect(selected.keys.map(\.id) == ["c", "g", "a", "e"] && selected.duplicatesDropped == 2)
        #expect(all.count == 5 && !all.contains(key("Patient", "e")))
    }

    /// A complete collection reads its keys in place (`keepAtSize`, `frozenKeys`); changed afterwards, it answers
    /// from its changed table, and a selection made before the change still answers from the table it was made from.
    @Test func aCollectionChangedAfterItWasCompletedFindsItsNewKeys() throws {
        let key = { (id: String) in FHIRResourceKey(type: "Patient", id: id) }
        var all = FHIRResourceCollection()
        for id in ["a", "b", "c"] { all.add(["resourceType": "Patient", "id": .string(id), "meta": ["versionId": "1"]]) }
        all.keepAtSize()
        let before = all.selecting([key("b"), key("a")])
        #expect(all.position(ofKey: key("b")).map(all.key(at:)) == key("b") && !all.contains(key("d")))
        all.add(["resourceType": "Patient", "id": "d"])
        all.add(["resourceType": "Patient", "id": "a", "meta": ["versionId": "2"], "gender": "female"])
        #expect(all.contains(key("d")) && all.position(ofKey: key("d")).map(all.key(at:)) == key("d"))
        #expect(all.keys == [key("a"), key("b"), key("c"), key("d")] && all.positionsSortedByKey().map(all.key(at:)) == all.keys)
        #expect(try all.resource(key("a"))?["gender"] == "female")
        #expect(before.keys == [key("b"), key("a")] && !before.contains(key("d")) && before.position(ofKey: key("d")) == nil)
        #expect(try before.resource(key("a"))?["gender"] == nil)
    }

    @Test func deduplicationScalesAndRemembersWhichCopyWasKept() {
        // Enough keys to make the table grow many times; type and id both matter; unversioned copies are replaced by
        // any versioned one; tags say which earlier copy a newer version replaces.
        var dedup = FHIRResourceDeduplicator()
        let n = 20_000
        for i in 0..<n {
            #expect(dedup.admit(FHIRResourceKey(type: "Patient", id: "\(i)"), versionId: "1", tag: i) == (.new, nil))
        }
        for i in 0..<n where i % 1000 == 0 {
            #expect(dedup.admit(FHIRResourceKey(type: "Specimen", id: "\(i)"), versionId: nil, tag: n + i) == (.new, nil))
        }
        #expect(dedup.count == n + n / 1000)
        for i in stride(from: 0, to: n, by: 7) {
            #expect(dedup.admit(FHIRResourceKey(type: "Patient", id: "\(i)"), versionId: "1", tag: -1) == (.duplicate, nil))
        }
        #expect(dedup.admit(FHIRResourceKey(type: "Patient", id: "123"), versionId: "2", tag: 99_999) == (.newerVersion, 123))
        #expect(dedup.admit(FHIRResourceKey(type: "Patient", id: "123"), versionId: "3", tag: 100_000) == (.newerVersion, 99_999))
        #expect(dedup.admit(FHIRResourceKey(type: "Specimen", id: "2000"), versionId: "1", tag: 7) == (.newerVersion, n + 2000))
        #expect(dedup.admit(FHIRResourceKey(type: "Specimen", id: "2000"), versionId: nil, tag: 8) == (.duplicate, nil))
        #expect(dedup.contains(FHIRResourceKey(type: "Patient", id: "\(n - 1)")))
        #expect(!dedup.contains(FHIRResourceKey(type: "Patient", id: "\(n)")))
        #expect(!dedup.contains(FHIRResourceKey(type: "Observation", id: "1")))
        #expect(dedup.count == n + n / 1000)
    }

    /// The table keeps a key's type as its place among the types it has seen: the same id under many types (more
    /// than any study has, interleaved, coming back to earlier ones) stays one key per type, and each key reads back.
    @Test func keysOfManyTypesStayApartAndReadBack() {
        var dedup = FHIRResourceDeduplicator()
        let types = (0..<300).map { "Type\($0)" } + ["Patient", "MedicationKnowledge", ""]
        var admitted: [FHIRResourceKey] = []
        for round in 0..<3 {
            for (index, type) in types.enumerated() where (index + round) % 3 != 0 {
                let key = FHIRResourceKey(type: type, id: "same")
                let (verdict, _) = dedup.admit(key, versionId: nil, tag: admitted.count)
                #expect(verdict == (admitted.contains(key) ? .duplicate : .new))
                if verdict == .new { admitted.append(key) }
            }
        }
        #expect(dedup.count == types.count && admitted.count == types.count)
        for (index, key) in admitted.enumerated() {
            #expect(dedup.key(at: index) == key && dedup.tag(of: key) == index)
        }
        #expect(!dedup.contains(FHIRResourceKey(type: "Type1", id: "other")))
        #expect(!dedup.contains(FHIRResourceKey(type: "Type", id: "same")))
    }

    @Test func pageEntriesCarryTheirReceivedJSONAndSequenceNumbers() async throws {
        try await Harness.with { h in
            var sequences: [Int] = []
            for try await page in h.fhir.search("Observation", [("_count", "5")]) {
                for entry in page.entries {
                    sequences.append(entry.sequence)
                    let raw = try #require(entry.receivedJSON)
                    #expect(try FHIRJSONReader().read(Array(raw)) == entry.resource)
                    #expect(entry.replacedSequence == nil)
                }
            }
            #expect(sequences == Array(0..<27))
        }
    }
}
