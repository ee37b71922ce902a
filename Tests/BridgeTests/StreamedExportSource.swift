import Bridge
import FHIRModel
import SyntheticFHIR
import TestSupport

/// What the streamed-export tests compare with the held path: the Fixtures' three studies (or one, or one given
/// twice), or a generated study written into a temporary directory; and the pipeline over it, spooled (the
/// streamed path's case).
struct StreamedExportSource {
    static let root = SharedData.packageRoot

    var directory: String
    var studies: [String]

    /// `fixtures`, `one-fixture`, `fixtures-again` (SDY99901 twice) or `generated-ndjson`.
    init(layout: String, in temporary: TemporaryDirectory, generatedSubjects: Int = 120) throws {
        directory = Self.root + "/Fixtures"
        switch layout {
        case "one-fixture": studies = ["SDY99902"]
        // A study given twice: every resource of its second merge was written before.
        case "fixtures-again": studies = ["SDY99901", "SDY99902", "SDY99901"]
        case "generated-ndjson":
            directory = temporary.path + "/study"
            // SYNTHETIC: the generated study, small enough for a debug build.
            try SyntheticImmPortStudy(subjects: generatedSubjects, fhirLayout: .ndjson).write(to: directory)
            studies = ["SDY99990"]
        default: studies = ["SDY99901", "SDY99902", "SDY99903"]
        }
    }

    func pipeline(_ diagnostics: DiagnosticsCollector = DiagnosticsCollector()) -> BridgePipeline {
        var pipeline = BridgePipeline(
            mappingPaths: [Self.root + "/Mappings/immport.yaml"], source: .directory(directory), diagnostics: diagnostics)
        pipeline.spoolPolicy = .always
        return pipeline
    }
}
