// Serves Fixtures/ (or N synthetic resources) on loopback the way ImmPort's servers do, for the pull benchmark
// (Benchmarks/pull-benchmark.sh) and for trying the command line by hand. Not for anything else.
import Foundation
import ImmPortTestServer

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
if arguments.contains("--help") {
    print("usage: immport-test-server [--synthetic N] [--max-page-size N] [--port P] [--gzip] [--shared-data DIR] [--files DIR]")
    print("  --shared-data DIR, --files DIR: serve another Shared Data folder and the study files its manifests name")
    print("  (Benchmarks/compare_files_download.sh makes such a pair)")
    exit(0)
}
var configuration: ImmPortTestServer.Configuration
if let text = option("--synthetic") {
    guard let count = Int(text), count > 0 else {
        FileHandle.standardError.write(Data("immport-test-server: --synthetic needs a positive number\n".utf8))
        exit(2)
    }
    configuration = ImmPortTestServer.Configuration(fhir: .synthetic(count: count))
} else {
    configuration = try ImmPortTestServer.Configuration.fixtures()
}
if let text = option("--max-page-size"), let size = Int(text) { configuration.maxPageSize = size }
if let directory = option("--shared-data") { configuration.sharedDataDirectory = directory }
if let directory = option("--files") { configuration.filesDirectory = directory }
let server = ImmPortTestServer(configuration: configuration)
let port = try await server.start(port: Int(option("--port") ?? "0") ?? 0)
if arguments.contains("--gzip") { server.setGzip(true) }
// Written unbuffered: the benchmark script waits for this line.
FileHandle.standardOutput.write(Data("listening on http://127.0.0.1:\(port) (FHIR \(server.fhirBase), Shared Data \(server.sharedDataBase))\n".utf8))
while true { try await Task.sleep(for: .seconds(3600)) }
