import ArgumentParser
import FHIRModel
import ImmPortAPI

/// `immport-bridge shared-data PATH [name=value...]`: call one Shared Data API endpoint and write its JSON.
struct SharedDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shared-data",
        abstract: "Call an ImmPort Shared Data API endpoint and write the response JSON as received.",
        discussion: """
            PATH is an endpoint path such as /api/study/arm/SDY1, /result/elisa, /api/lookup/lkSpecies, \
            /api/search/study or /drs/download/s3/FILE-UUID; query parameters are checked against the endpoint catalog. \
            Example: immport-bridge shared-data /result/elisa studyAccession=SDY1 -o elisa.json
            """
    )

    @Argument(help: "Endpoint path, e.g. /api/study/arm/SDY1.") var path: String
    @Argument(help: "Query parameters as name=value.") var parameters: [String] = []
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Shared Data API base URL \(ImmPortService.sharedData.defaultsHelp()); plain http only to this machine when a key is used.",
            valueName: "url"))
    var sharedDataBase: String?
    @Option(name: [.short, .customLong("output")], help: "Output file; - for standard output.") var output = "-"
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await client.run { session in
            let query = try QueryString.parseArguments(parameters)
            let sharedData = try session.sharedDataClient(baseFlag: sharedDataBase)
            let response = try await sharedData.request(path: path, query: query)
            // Check every record parses before anything is written: no half-good output.
            _ = try response.records.all()
            let writer = try AtomicFileWriter(path: output)
            try writer.write(response.body)
            if response.body.last != 0x0A { try writer.write([0x0A]) }
            try writer.commit()
            let shape = response.isArray ? "\(response.recordCount) records" : "1 object"
            StandardError.write("shared-data \(response.endpoint.pathTemplate): \(shape), 1 page, \(session.requestSummary)")
        }
    }
}
