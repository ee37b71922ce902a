@testable import Bridge
import FHIRModel
import Foundation
import SyntheticFHIR
import Testing
import TestSupport

/// Reading a pull plan: the shipped one compiles; every problem in a bad one is an error naming FILE:LINE:COLUMN.
@Suite struct PullPlanTests {
    @Test func theShippedPlanLoadsAndCompiles() throws {
        let plan = try PullPlan.load(path: PullHarness.shippedPlan)
        #expect(plan.fhirVersion == .r5)
        #expect(plan.steps.map(\.resourceType) == [
            "ResearchSubject", "Patient", "Group", "Specimen", "Observation", "DiagnosticReport", "PractitionerRole", "Practitioner",
            "Organization",
        ])
        let patients = try #require(plan.steps.first { $0.id == "patients" }?.referencedFrom?.first)
        #expect(patients.step == "subjects" && patients.paths.map(\.resourceType) == ["ResearchSubject"], "paths compile on the referring step's type")
    }

    /// A plan with one problem per place: `steps` with the given step JSON objects.
    static func plan(steps: String, version: String = "R5") -> String {
        """
        {
          "name": "test",
          "fhirVersion": "\(version)",
          "chunkSize": 10,
          "pageSize": 10,
          "includeLimitPerPage": 1000,
          "study": { "resourceType": "ResearchStudy", "identifierSystems": [] },
          "steps": [
        \(steps)
          ]
        }
        """
    }

    static func problems(_ text: String) -> [Diagnostic] {
        do {
            _ = try PullPlan.parse(Array(text.utf8), source: "plans/bad.json")
            Issue.record("the plan was accepted")
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// The one problem of `text`, checked to be an error at `line`:`column` of plans/bad.json mentioning `words`.
    static func expectOneProblem(_ text: String, line: Int, column: Int, _ words: String...) {
        let problems = problems(text)
        #expect(problems.count == 1, "\(problems)")
        guard let problem = problems.first else { return }
        #expect(problem.severity == .error)
        #expect(problem.sourceLocation == SourceLocation(source: "plans/bad.json", line: line, column: column), "\(problem)")
        #expect(problem.description.hasPrefix("plans/bad.json:\(line):\(column): error: "), "\(problem)")
        for word in words { #expect(problem.message.contains(word), "\(problem.message) lacks \(word)") }
    }

    @Test func badJSONNamesItsPosition() {
        Self.expectOneProblem("{\n  \"name\": \"x\",\n  \"chunkSize\": 10,,\n}", line: 3, column: 19, "not JSON", "unexpected ','")
    }

    @Test func anUnknownStepIsAnErrorAtTheName() {
        let text = Self.plan(steps: """
                { "id": "patients", "resourceType": "Patient",
                  "referencedFrom": [ { "step": "subjects", "paths": ["subject"] } ] }
            """)
        // Steps start on line 9 of the plan; the step name's string starts at column 37 of line 10.
        Self.expectOneProblem(text, line: 10, column: 37, "\"subjects\" is not the study step or an earlier step")
    }

    @Test func aFHIRPathSyntaxErrorPointsInsideThePath() {
        let text = Self.plan(steps: """
                { "id": "subjects", "resourceType": "ResearchSubject",
                  "search": { "parameter": "study", "targets": ["study"], "referencePaths": ["study.where("] } }
            """)
        // The path's string starts at column 82 of line 10; the parser stops inside it.
        let problems = Self.problems(text)
        #expect(problems.count == 1)
        let problem = problems.first
        #expect(problem?.line == 10 && (problem?.column ?? 0) > 82, "\(problems)")
        #expect(problem?.message.contains("is not FHIRPath") == true)
        #expect(problem?.location == "steps[0].search.referencePaths[0]")
    }

    @Test func anUnknownElementIsACompileErrorAtItsColumn() {
        let text = Self.plan(steps: """
                { "id": "subjects", "resourceType": "ResearchSubject",
                  "search": { "parameter": "study", "targets": ["study"], "referencePaths": ["individual"] } }
            """)
        // R4's ResearchSubject.individual is not an R5 element: the string is at column 82, the name starts at 83.
        Self.expectOneProblem(text, line: 10, column: 83, "\"individual\" on ResearchSubject (FHIR R5)", "individual")
    }

    @Test func aPathThatDoesNotEndOnAReferenceIsAnError() {
        let text = Self.plan(steps: """
                { "id": "subjects", "resourceType": "ResearchSubject",
                  "search": { "parameter": "study", "targets": ["study"], "referencePaths": ["status"] } }
            """)
        Self.expectOneProblem(text, line: 10, column: 82, "not to Reference")
    }

    @Test func unknownMembersTypesAndVersionsAreReportedTogether() {
        let text = Self.plan(
            steps: """
                    { "id": "a", "resourceType": "Pateint", "referencedFrom": [ { "step": "study", "paths": ["*"] } ], "colour": 1 },
                    { "id": "a", "resourceType": "Patient", "search": { "parameter": "x", "targets": ["study"], "referencePaths": [] } }
                """, version: "R3")
        let problems = Self.problems(text)
        let messages = problems.map(\.message)
        #expect(messages.contains { $0.contains("\"fhirVersion\" must be R4 or R5") })
        #expect(messages.contains { $0.contains("unknown member \"colour\"") })
        #expect(messages.contains { $0.contains("\"referencePaths\" must be a non-empty array") })
        #expect(problems.allSatisfy { $0.source == "plans/bad.json" && $0.line != nil && $0.column != nil }, "\(problems)")
        let colour = problems.first { $0.message.contains("colour") }
        #expect(colour?.line == 9 && colour?.column == 114, "\(String(describing: colour))")
    }

    @Test func duplicateStepsAndMissingFields() {
        let text = Self.plan(steps: """
                { "id": "a", "resourceType": "Patient", "referencedFrom": [ { "step": "study", "paths": ["*"] } ] },
                { "id": "a", "resourceType": "Group", "referencedFrom": [ { "step": "study", "paths": ["*"] } ] },
                { "resourceType": "Group" }
            """)
        let problems = Self.problems(text)
        #expect(problems.contains { $0.message.contains("step id \"a\" is used by an earlier step") && $0.line == 10 })
        #expect(problems.contains { $0.message.contains("missing \"id\"") && $0.line == 11 })
        #expect(problems.contains { $0.message.contains("exactly one of \"search\" and \"referencedFrom\"") && $0.line == 11 })
    }

    @Test func anUnreadableFileIsAnErrorNamingIt() {
        do {
            _ = try PullPlan.load(path: "/nonexistent/plan.json")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/plan.json: error: cannot read the pull plan"), "\(error)")
        }
    }

    @Test func referencePathsEvaluateOnTheirTypeOnly() throws {
        let subject: FHIRElement = [
            "resourceType": "ResearchSubject", "id": "rs1", "study": ["reference": "ResearchStudy/s1"],
            "subject": ["reference": "Patient/p1"],
            "contained": [["resourceType": "Group", "id": "g", "member": [["entity": ["reference": "Patient/hidden"]]]]],
            "extension": [["url": "arm", "valueReference": ["reference": "Group/arm1"]]],
        ]
        let path = try PullReferencePath("subject", resourceType: "ResearchSubject", version: .r5)
        #expect(try path.references(in: subject).map(\.description) == ["Patient/p1"])
        #expect(try path.references(in: ["resourceType": "Patient", "id": "x"]).isEmpty)
        let anywhere = try PullReferencePath("*", resourceType: "ResearchSubject", version: .r5)
        #expect(try anywhere.references(in: subject).map(\.description) == ["ResearchStudy/s1", "Patient/p1", "Group/arm1"])
        let filtered = try PullReferencePath(
            "extension.where(url = 'arm').value.ofType(Reference)", resourceType: "ResearchSubject", version: .r5)
        #expect(try filtered.references(in: subject).map(\.description) == ["Group/arm1"])
    }

    /// A path of one member (`subject`, `study`, R5's CodeableReference `focus`...) is read from the member itself,
    /// without the FHIRPath walk: the references are the evaluator's, on the shipped plan's resources and on values
    /// of every shape such a member could hold (one, several, none, null, not an object, `_name` beside it).
    @Test func aOneMemberPathReadsWhatTheEvaluatorReads() throws {
        let plan = try PullPlan.load(path: PullHarness.shippedPlan)
        var paths: [PullReferencePath] = plan.steps.flatMap { step in
            (step.search?.referencePaths ?? []) + (step.referencedFrom ?? []).flatMap(\.paths)
        }
        paths += try [
            PullReferencePath("focus", resourceType: "ResearchStudy", version: .r5),
            PullReferencePath("basedOn", resourceType: "Observation", version: .r5),
            PullReferencePath("specimen", resourceType: "Observation", version: .r5),
        ]
        #expect(paths.contains { $0.member == "subject" } && paths.contains { $0.member == "focus" }, "one-member paths are read directly")
        #expect(paths.filter { $0.source == "*" }.allSatisfy { $0.member == nil })
        var resources: [FHIRElement] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: SharedData.packageRoot + "/Fixtures/fhir").sorted() where name.hasSuffix(".json") {
            let read = try FHIRJSONReader().read(Array(try Data(contentsOf: URL(fileURLWithPath: SharedData.packageRoot + "/Fixtures/fhir/" + name))))
            if case .array(let items) = read { resources += items } else { resources.append(read) }
        }
        let data = SyntheticFHIR(patients: 20, observations: 60, studies: 2, seed: 5, version: .r5)
        for kind in SyntheticFHIR.Kind.allCases { for index in 0..<data.count(of: kind) { resources.append(data.resource(kind, index)) } }
        let values: [FHIRElement?] = [
            nil, .null, "Patient/x", 7, [], [["reference": "Patient/a"], ["reference": "Patient/b"]], ["reference": "Patient/c"],
            [["reference": "Patient/d"], .null, "text", [["reference": "Patient/e"]]], ["identifier": ["system": "s", "value": "v"]],
            ["reference": 5], ["concept": ["text": "c"], "reference": ["reference": "Group/g"]], [["reference": ["reference": "Group/h"]]],
        ]
        var compared = 0
        for path in paths {
            let member = path.source
            var variants = resources.filter { $0.resourceType == path.resourceType }
            func resource(_ type: String, _ more: [FHIRObject.Member]) -> FHIRElement {
                .object(FHIRObject(members: [.init(key: "resourceType", value: .string(type)), .init(key: "id", value: "v")] + more))
            }
            let extensions: FHIRElement = ["extension": [["url": "u", "valueString": "x"]]]
            for value in values {
                let member = value.map { [FHIRObject.Member(key: member, value: $0)] } ?? []
                variants.append(resource(path.resourceType, member))
                variants.append(resource(path.resourceType, member + [.init(key: "_" + path.source, value: extensions)]))
            }
            variants.append(resource("Basic", [.init(key: member, value: ["reference": "Patient/z"])]))
            for resource in variants {
                let direct = Result { try path.references(in: resource).map(\.description) }
                let evaluated = Result { try path.evaluatedReferences(in: resource).map(\.description) }
                #expect("\(direct)" == "\(evaluated)", "\(path.resourceType).\(member) on \(String(decoding: FHIRJSONWriter().write(resource), as: UTF8.self))")
                compared += 1
            }
        }
        #expect(compared > 300)
    }
}
