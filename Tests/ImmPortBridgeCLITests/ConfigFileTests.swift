import FHIRModel
import Foundation
import Testing
import TestSupport

/// Server bases come from a flag, else an environment variable, else the configuration file, else ImmPort's
/// defaults; the file is `--config`, `$IMMPORT_BRIDGE_CONFIG` or `$XDG_CONFIG_HOME/immport-bridge/config.yaml`.
@Suite struct ConfigFileTests {
    static let mapping = SharedData.packageRoot + "/Mappings/immport.yaml"

    @Test func theFileNamesTheServersAndFlagsAndEnvironmentComeFirst() async throws {
        try await CLIHarness.with { h in
            let config = "# test servers\nfhir-base: \(h.server.fhirBase)\nshared-data-base: \(h.server.sharedDataBase)\nstore: \(h.path("store.sqlite"))\n"
            try config.write(toFile: h.path("config.yaml"), atomically: false, encoding: .utf8)
            let viaFlag = try await h.run(
                ["export", "SDY99901", "-o", h.path("a.json"), "--mapping", Self.mapping, "--config", h.path("config.yaml")],
                key: CLIHarness.secretKey)
            #expect(viaFlag.status == 0, "\(viaFlag.standardError)")
            #expect(FileManager.default.fileExists(atPath: h.path("store.sqlite")), "the configured store was not used")
            #expect(!h.server.state.requests.isEmpty)

            // The default place, through XDG_CONFIG_HOME.
            try FileManager.default.createDirectory(atPath: h.path("xdg/immport-bridge"), withIntermediateDirectories: true)
            try config.write(toFile: h.path("xdg/immport-bridge/config.yaml"), atomically: false, encoding: .utf8)
            let viaDefault = try await h.run(
                ["export", "SDY99901", "-o", h.path("b.json"), "--mapping", Self.mapping, "--refresh"],
                key: CLIHarness.secretKey, environment: ["XDG_CONFIG_HOME": h.path("xdg")])
            #expect(viaDefault.status == 0, "\(viaDefault.standardError)")

            // The environment beats the file: a dead port named there is what fails.
            let dead = try LoopbackPort.free()
            let viaEnvironment = try await h.run(
                ["export", "SDY99901", "-o", h.path("c.json"), "--mapping", Self.mapping, "--refresh", "--max-attempts", "1", "--config", h.path("config.yaml")],
                key: CLIHarness.secretKey, environment: ["IMMPORT_FHIR_BASE": "http://127.0.0.1:\(dead)/fhir"])
            #expect(viaEnvironment.status == 3, "\(viaEnvironment.standardError)")
            #expect(viaEnvironment.standardError.contains("127.0.0.1:\(dead)"))
            // And the flag beats the environment.
            let viaFlagOverEnvironment = try await h.run(
                ["export", "SDY99901", "-o", h.path("d.json"), "--mapping", Self.mapping, "--refresh", "--config", h.path("config.yaml"), "--fhir-base", h.server.fhirBase],
                key: CLIHarness.secretKey, environment: ["IMMPORT_FHIR_BASE": "http://127.0.0.1:\(dead)/fhir"])
            #expect(viaFlagOverEnvironment.status == 0, "\(viaFlagOverEnvironment.standardError)")
        }
    }

    @Test func aBadFileIsNamedWithItsLine() async throws {
        try await CLIHarness.with { h in
            try "fhir-base: http://127.0.0.1:1/fhir\nfhir-bsae: x\n".write(toFile: h.path("bad.yaml"), atomically: false, encoding: .utf8)
            let run = try await h.run(["fhir", "read", "Patient/x", "--config", h.path("bad.yaml")])
            #expect(run.status != 0)
            #expect(run.standardError.contains("\(h.path("bad.yaml")):2: error: unknown key \"fhir-bsae\""), "\(run.standardError)")
            let missing = try await h.run(["fhir", "read", "Patient/x", "--config", h.path("none.yaml")])
            #expect(missing.status != 0 && missing.standardError.contains("none.yaml: error: cannot read the configuration file"), "\(missing.standardError)")
        }
    }
}
