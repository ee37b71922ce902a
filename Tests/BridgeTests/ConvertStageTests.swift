import Bridge
import FHIRModel
import Testing
import TestSupport

/// The convert stage, R5 -> R4: HL7's synthetic examples against their expected R4 forms, one test per trap, and
/// the merged Fixtures study valid against R4's definitions.
@Suite struct ConvertStageTests {
    static let synthetic = "fhir/r5/examples-synthetic"
    static let xver = ConvertStage.crossVersionExtensionBase

    static func read(_ relative: String) throws -> FHIRElement {
        try FHIRJSONReader().read(FileBytes.read(path: SharedData.require(relative)))
    }

    static func convert(
        _ resources: [FHIRElement], extensions: Bool = true
    ) -> (resources: [FHIRElement], lost: [LostElement], diagnostics: DiagnosticsCollector) {
        let diagnostics = DiagnosticsCollector()
        let result = ConvertStage(carriesCrossVersionExtensions: extensions).convert(resources, diagnostics: diagnostics)
        return (result.resources, result.lost, diagnostics)
    }

    static func r4Errors(_ resource: FHIRElement) -> [String] {
        FHIRValidator(definitions: .r4).validate(resource).filter { $0.severity == .error }.map(\.description)
    }

    /// The tree without HL7's cross-version extensions (and without `extension` arrays they leave empty).
    static func withoutCrossVersionExtensions(_ element: FHIRElement) -> FHIRElement {
        switch element {
        case .array(let items): return .array(items.map(withoutCrossVersionExtensions))
        case .object(let object):
            var members: [FHIRObject.Member] = []
            for member in object.members {
                if member.key == "extension", let items = member.value.arrayValue {
                    let kept = items.filter { !($0["url"]?.stringValue ?? "").hasPrefix(xver) }
                    if !kept.isEmpty { members.append(.init(key: "extension", value: withoutCrossVersionExtensions(.array(kept)))) }
                } else {
                    members.append(.init(key: member.key, value: withoutCrossVersionExtensions(member.value)))
                }
            }
            return .object(FHIRObject(members: members))
        default: return element
        }
    }

    // MARK: the synthetic examples

    @Test(.sharedData("fhir/r5/examples-synthetic/json/researchstudy-synthetic.json",
                      "fhir/r5/examples-synthetic/expected-r4/json/researchstudy-synthetic.json",
                      "fhir/r5/examples-synthetic/json/researchsubject-synthetic.json",
                      "fhir/r5/examples-synthetic/expected-r4/json/researchsubject-synthetic.json"))
    func syntheticExamplesConvertToTheirExpectedR4FormsWithTheLostElementsListed() throws {
        let names = ["researchstudy-synthetic.json", "researchsubject-synthetic.json"]
        let r5 = try names.map { try Self.read("\(Self.synthetic)/json/\($0)") }
        let expected = try names.map { try Self.read("\(Self.synthetic)/expected-r4/json/\($0)") }
        let plain = Self.convert(r5, extensions: false)
        #expect(plain.resources == expected, "R4 trees differ from expected-r4/json")
        for resource in plain.resources { #expect(Self.r4Errors(resource).isEmpty, "\(Self.r4Errors(resource))") }
        let listed = Set(plain.lost.map(\.location))
        #expect(listed == [
            "ResearchStudy.url", "ResearchStudy.version", "ResearchStudy.name", "ResearchStudy.label[0]", "ResearchStudy.date",
            "ResearchStudy.studyDesign[0]", "ResearchStudy.focus[1]", "ResearchStudy.descriptionSummary", "ResearchStudy.site[1]",
            "ResearchStudy.classifier[0]", "ResearchStudy.associatedParty[1]", "ResearchStudy.progressStatus[0]",
            "ResearchStudy.progressStatus[1]", "ResearchStudy.recruitment", "ResearchStudy.comparisonGroup[0].linkId",
            "ResearchStudy.comparisonGroup[1].linkId", "ResearchStudy.objective[0].description", "ResearchStudy.outcomeMeasure[0]",
            "ResearchStudy.result[0]", "ResearchSubject.progress[0]", "ResearchSubject.progress[1]", "ResearchSubject.progress[2]",
            "ResearchSubject.consent[1]",
        ], "\(listed.sorted())")
        #expect(plain.lost.allSatisfy { $0.carriedIn == nil })
        let warnings = plain.diagnostics.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.count == plain.lost.count, "one diagnostic per lost element")
        #expect(warnings.contains { $0.location == "ResearchStudy.site[1]" && $0.message.contains("Location, not Organization") })

        // With the cross-version extensions, the same elements are listed and each is carried: taking the
        // extensions out gives the expected trees again.
        let carried = Self.convert(r5)
        #expect(carried.resources.map(Self.withoutCrossVersionExtensions) == expected)
        #expect(Set(carried.lost.map(\.location)) == listed)
        #expect(carried.lost.allSatisfy { $0.carriedIn == Self.xver + $0.elementPath }, "\(carried.lost.filter { $0.carriedIn == nil })")
        for resource in carried.resources { #expect(Self.r4Errors(resource).isEmpty, "\(Self.r4Errors(resource))") }
    }

    // MARK: the traps

    static let study: FHIRElement = [
        "resourceType": "ResearchStudy", "id": "s1", "status": "draft",
        "progressStatus": [
            ["state": ["coding": [["system": "http://hl7.org/fhir/research-study-status", "code": "recruiting"]]],
             "actual": true, "period": ["start": "2024-01-01"]],
            ["state": ["coding": [["system": "http://hl7.org/fhir/research-study-status", "code": "completed"]]],
             "actual": false, "period": ["start": "2025-01-01"]],
            ["state": ["coding": [["system": "http://hl7.org/fhir/research-study-status", "code": "approved"]]],
             "actual": true, "period": ["start": "2023-06-01", "end": "2024-01-01"]],
        ],
        "focus": [["concept": ["text": "Vaccine"], "reference": ["reference": "Medication/m1"]]],
        "associatedParty": [
            ["role": ["coding": [["system": "http://hl7.org/fhir/research-study-party-role", "code": "sponsor"]]],
             "party": ["reference": "Practitioner/p9"]],
            ["role": ["coding": [["system": "http://hl7.org/fhir/research-study-party-role", "code": "sponsor"]]],
             "party": ["reference": "Organization/o1"]],
            ["role": ["coding": [["system": "http://hl7.org/fhir/research-study-party-role", "code": "primary-investigator"]]],
             "party": ["reference": "PractitionerRole/r1"]],
        ],
        "recruitment": ["actualNumber": 12, "eligibility": ["reference": "Group/criteria"]],
        "comparisonGroup": [["linkId": "g1", "name": "Low dose"], ["linkId": "g2", "name": "High dose"]],
    ]

    static func subject(_ members: [(String, FHIRElement)]) -> FHIRElement {
        var object = FHIRObject(members: [
            .init(key: "resourceType", value: "ResearchSubject"), .init(key: "id", value: "sub1"), .init(key: "status", value: "active"),
            .init(key: "study", value: ["reference": "ResearchStudy/s1"]), .init(key: "subject", value: ["reference": "Patient/p1"]),
        ])
        for (key, value) in members {
            if let index = object.index(forKey: key) { object.replaceValue(at: index, with: value) } else { object.appendUnchecked(key: key, value: value) }
        }
        return .object(object)
    }

    @Test func studyStatusComesFromTheCurrentActualProgressStateNotThePublicationStatus() {
        let result = Self.convert([Self.study], extensions: false)
        let study = result.resources[0]
        // recruiting (open, actual) beats completed (planned) and approved (ended); R4 has no 'recruiting': active.
        #expect(study["status"] == "active")
        #expect(result.lost.contains { $0.elementPath == "ResearchStudy.status" && $0.reason.contains("publication status") })
        #expect(result.diagnostics.diagnostics.contains { $0.severity == .note && $0.message.contains("from R5 progress state 'recruiting'") })
        #expect(Self.r4Errors(study).isEmpty, "\(Self.r4Errors(study))")
        let withoutProgress: FHIRElement = ["resourceType": "ResearchStudy", "id": "s2", "status": "active"]
        #expect(Self.convert([withoutProgress]).resources[0]["status"] == "active")
    }

    @Test func focusKeepsTheConceptAndCarriesTheReference() {
        let result = Self.convert([Self.study])
        let study = result.resources[0]
        #expect(study["focus"] == [["text": "Vaccine"]])
        let carried = study["extension"]?.arrayValue?.first { $0["url"]?.stringValue == Self.xver + "ResearchStudy.focus" }
        #expect(carried?["extension"]?[0]?["url"] == "reference")
        #expect(carried?["extension"]?[0]?["valueReference"] == ["reference": "Medication/m1"])
        #expect(result.lost.contains { $0.location == "ResearchStudy.focus[0]" && $0.reason.contains("CodeableReference's reference") })
    }

    @Test func sponsorInvestigatorAndEnrollmentAreRebuiltFromAssociatedPartyAndRecruitment() {
        let result = Self.convert([Self.study], extensions: false)
        let study = result.resources[0]
        // The first sponsor is a Practitioner, which R4's sponsor does not take: the Organization is.
        #expect(study["sponsor"] == ["reference": "Organization/o1"])
        #expect(study["principalInvestigator"] == ["reference": "PractitionerRole/r1"])
        #expect(study["enrollment"] == [["reference": "Group/criteria"]])
        #expect(result.lost.contains { $0.location == "ResearchStudy.associatedParty[0]" })
        #expect(result.lost.contains { $0.location == "ResearchStudy.recruitment" })
        #expect(study["arm"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Low dose", "High dose"])
    }

    @Test func subjectArmsAreTheirGroupsNamesThroughTheStudy() {
        let subject = Self.subject([("assignedComparisonGroup", "g2"), ("actualComparisonGroup", "g9")])
        let result = Self.convert([Self.study, subject], extensions: false)
        let r4 = result.resources[1]
        #expect(r4["assignedArm"] == "High dose")
        #expect(r4["actualArm"] == nil)
        #expect(result.lost.contains { $0.location == "ResearchSubject.actualComparisonGroup" && $0.reason.contains("no comparison group with linkId 'g9'") })
        // Without its study, the subject's arm cannot be named.
        let alone = Self.convert([subject], extensions: false)
        #expect(alone.resources[0]["assignedArm"] == nil)
        #expect(alone.lost.contains { $0.location == "ResearchSubject.assignedComparisonGroup" })
    }

    @Test func subjectStatusComesFromTheCurrentSubjectState() {
        let progress: FHIRElement = [
            ["subjectState": ["coding": [["code": "screening"]]], "startDate": "2024-01-01", "endDate": "2024-02-01"],
            ["subjectState": ["coding": [["code": "off-study"]]], "startDate": "2024-03-01"],
        ]
        let result = Self.convert([Self.subject([("progress", progress)])], extensions: false)
        #expect(result.resources[0]["status"] == "off-study")
        let noState = Self.convert([Self.subject([])], extensions: false)
        #expect(noState.resources[0]["status"] == "on-study")
        #expect(noState.diagnostics.diagnostics.contains { $0.severity == .note && $0.message.contains("assumed") })
    }

    @Test func individualTakesOnlyAPatient() {
        let result = Self.convert([Self.subject([("subject", ["reference": "Group/g1"])])])
        let r4 = result.resources[0]
        #expect(r4["individual"] == nil)
        #expect(r4["extension"]?[0]?["url"]?.stringValue == Self.xver + "ResearchSubject.subject")
        #expect(r4["extension"]?[0]?["valueReference"] == ["reference": "Group/g1"])
        #expect(result.lost.contains { $0.reason.contains("takes Patient, not Group") })
        #expect(Self.convert([Self.subject([])]).resources[0]["individual"] == ["reference": "Patient/p1"])
    }

    @Test func r4KeepsOneConsent() {
        let result = Self.convert([Self.subject([("consent", [["reference": "Consent/c1"], ["reference": "Consent/c2"]])])])
        let r4 = result.resources[0]
        #expect(r4["consent"] == ["reference": "Consent/c1"])
        #expect(r4["extension"]?[0]?["valueReference"] == ["reference": "Consent/c2"])
        #expect(result.lost.map(\.location) == ["ResearchSubject.consent[1]"])
        #expect(Self.r4Errors(r4).isEmpty, "\(Self.r4Errors(r4))")
    }

    static func document(size: String, docStatus: String) -> FHIRElement {
        ["resourceType": "DocumentReference", "id": "d1", "status": "current", "docStatus": .string(docStatus),
         "context": [["reference": "ResearchStudy/s1"], ["reference": "Encounter/e1"]],
         "content": [["attachment": ["url": "drs://x/1", "size": .string(size)]]]]
    }

    @Test func integer64SizesBecomeUnsignedIntWhenTheyFit() {
        let fits = Self.convert([Self.document(size: "2048", docStatus: "final")])
        #expect(fits.resources[0]["content"]?[0]?["attachment"]?["size"] == 2048)
        #expect(fits.lost.isEmpty, "\(fits.lost)")
        #expect(fits.resources[0]["context"] == ["encounter": [["reference": "Encounter/e1"]], "related": [["reference": "ResearchStudy/s1"]]])
        #expect(Self.r4Errors(fits.resources[0]).isEmpty, "\(Self.r4Errors(fits.resources[0]))")
        let tooBig = Self.convert([Self.document(size: "9999999999", docStatus: "final")])
        #expect(tooBig.resources[0]["content"]?[0]?["attachment"]?["size"] == nil)
        #expect(tooBig.lost.count == 1 && tooBig.lost[0].carriedIn == nil && tooBig.lost[0].reason.contains("does not fit R4's unsignedInt"))
    }

    @Test func statusCodesOutsideR4sValueSetsAreTranslatedOrListed() {
        let partial = Self.convert([Self.document(size: "1", docStatus: "partial")])
        #expect(partial.resources[0]["docStatus"] == "preliminary")
        #expect(partial.diagnostics.diagnostics.contains { $0.severity == .note && $0.message.contains("'partial'") })
        let deprecated = Self.convert([Self.document(size: "1", docStatus: "deprecated")])
        #expect(deprecated.resources[0]["docStatus"] == nil)
        #expect(deprecated.lost.contains { $0.reason.contains("not in R4's value set for DocumentReference.docStatus") && $0.carriedIn != nil })
        let event: FHIRElement = ["resourceType": "AdverseEvent", "id": "ae1", "status": "completed", "actuality": "actual",
                                  "code": ["text": "rash"], "subject": ["reference": "Patient/p1"], "note": [["text": "mild"]]]
        let adverse = Self.convert([event])
        #expect(adverse.resources[0]["event"] == ["text": "rash"])
        #expect(Set(adverse.lost.map(\.elementPath)) == ["AdverseEvent.status", "AdverseEvent.note"])
        #expect(Self.r4Errors(adverse.resources[0]).isEmpty, "\(Self.r4Errors(adverse.resources[0]))")
        let group: FHIRElement = ["resourceType": "Group", "id": "g", "type": "organization", "membership": "definitional"]
        let converted = Self.convert([group], extensions: false)
        #expect(converted.resources[0]["actual"] == false)
        #expect(converted.lost.map(\.location) == ["Group.type"])
    }

    @Test func referencesToTypesR4LacksAreNotKept() {
        let observation: FHIRElement = ["resourceType": "Observation", "id": "o1", "status": "final", "code": ["text": "x"],
                                        "focus": [["reference": "Transport/t1"], ["reference": "Patient/p1"]]]
        let result = Self.convert([observation], extensions: false)
        #expect(result.resources[0]["focus"] == [["reference": "Patient/p1"]])
        #expect(result.lost.map(\.reason) == ["R4 has no resource type Transport"])
        let transport: FHIRElement = ["resourceType": "Transport", "id": "t1"]
        let whole = Self.convert([transport])
        #expect(whole.resources.isEmpty)
        #expect(whole.diagnostics.diagnostics.contains { $0.message.contains("R4 has no resource type Transport") })
    }

    // MARK: the merged Fixtures study

    @Test func theMergedFixtureStudyConvertsToValidR4() throws {
        let (merged, _) = try MergeStageTests.merged()
        let diagnostics = DiagnosticsCollector()
        let converted = ConvertStage().run(merged, diagnostics: diagnostics)
        #expect(converted.study.version == .r4)
        #expect(converted.study.resources.count == merged.resources.count)
        let bundle = converted.study.bundle(type: .collection, base: "https://example.org/fhir")
        let errors = Self.r4Errors(bundle)
        #expect(errors.isEmpty, "\(errors.prefix(5))")
        #expect(converted.summary.leftOutCount == 0, "\(converted.summary.line)")
        #expect(converted.summary.carriedCount == converted.lost.count)
        #expect(diagnostics.diagnostics.filter { $0.severity == .note }.count >= converted.lost.count)
    }

    /// The stage converts a study on every core, a converter per job: any job size gives one converter's resources,
    /// losses and diagnostics, in the same order (a resource R4 lacks among them).
    @Test func anyJobSizeGivesOneConvertersAnswer() throws {
        let (merged, _) = try MergeStageTests.merged()
        var resources = merged.resources
        resources.insert(["resourceType": "Transport", "id": "t1"], at: resources.count / 2)
        func converted(chunkSize: Int) -> (resources: [String], lost: [LostElement], line: String, diagnostics: [String]) {
            let diagnostics = DiagnosticsCollector()
            let result = ConvertStage().convert(resources, diagnostics: diagnostics, chunkSize: chunkSize)
            return (result.resources.map { FHIRJSONWriter().string($0) }, result.lost, result.summary.line, diagnostics.diagnostics.map(\.description))
        }
        let whole = converted(chunkSize: 1 << 20)
        #expect(whole.lost.count > 3 && whole.resources.count == resources.count - 1)
        for chunkSize in [1, 2, 7] {
            let cut = converted(chunkSize: chunkSize)
            #expect(cut.resources == whole.resources, "chunks of \(chunkSize)")
            #expect(cut.lost == whole.lost && cut.line == whole.line && cut.diagnostics == whole.diagnostics, "chunks of \(chunkSize)")
        }
    }
}
