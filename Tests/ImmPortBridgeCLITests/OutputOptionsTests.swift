import FHIRModel
import Foundation
import Testing
import TestSupport

/// What the bridge commands say on standard error: a summary by default, nothing but problems with `--quiet`, JSON
/// lines with `--log-format json`, and a live progress line only for a person at a terminal (NO_COLOR respected).
@Suite struct OutputOptionsTests {
    static let root = SharedData.packageRoot
    static let common = ["--from", root + "/Fixtures", "--mapping", root + "/Mappings/immport.yaml"]

    @Test func quietSaysNothingOnSuccessAndStillReportsErrors() async throws {
        try await CLIHarness.with { h in
            let ok = try await h.run(["export", "SDY99901", "-o", h.path("a.json"), "--quiet"] + Self.common)
            #expect(ok.status == 0 && ok.standardError.isEmpty, "\(ok.standardError)")
            #expect(ok.standardOutput.isEmpty)
            let failed = try await h.run(["export", "SDY00000", "-o", h.path("b.json"), "--quiet"] + Self.common)
            #expect(failed.status != 0)
            #expect(failed.standardError.contains("error:"), "\(failed.standardError)")
        }
    }

    @Test func jsonLogLinesAreObjectsWithTheirLevel() async throws {
        try await CLIHarness.with { h in
            let ok = try await h.run(["export", "SDY99901", "-o", h.path("a.json"), "--log-format", "json"] + Self.common)
            #expect(ok.status == 0)
            let failed = try await h.run(["export", "SDY00000", "-o", h.path("b.json"), "--log-format", "json"] + Self.common)
            var levels: [String: Int] = [:]
            for line in (ok.standardError + failed.standardError).split(separator: "\n") {
                let object = try FHIRJSONReader().read(String(line))
                let level = try #require(object["level"]?.stringValue, "\(line)")
                #expect(object["message"]?.stringValue?.isEmpty == false)
                levels[level, default: 0] += 1
            }
            #expect((levels["info"] ?? 0) > 3 && (levels["error"] ?? 0) >= 1, "\(levels)")
            #expect(!ok.standardError.contains("\r") && !ok.standardError.contains("\u{1B}"))
        }
    }

    /// Not a terminal: no progress line, no colour, the summary only.
    @Test func redirectedStandardErrorHasNoProgressLine() async throws {
        try await CLIHarness.with { h in
            let run = try await h.run(["export", "--all", "-o", h.path("out")] + Self.common)
            #expect(run.status == 0)
            #expect(!run.standardError.contains("\r") && !run.standardError.contains("\u{1B}["), "\(run.standardError)")
        }
    }

    /// On a terminal (a pseudo-terminal through util-linux `script`): the progress line is drawn and cleared, errors
    /// are coloured unless NO_COLOR is set.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "util-linux script is not installed"))
    func aTerminalGetsTheProgressLineAndColourUnlessNoColor() async throws {
        try await CLIHarness.with { h in
            let command = ([CLIHarness.executable, "export", "--all", "-o", h.path("out")] + Self.common)
                .map { "'\($0)'" }.joined(separator: " ")
            let run = try await ChildProcess.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["TERM": "xterm"])
            #expect(run.status == 0, "\(run.standardOutputText)")
            #expect(run.standardOutputText.contains("\r\u{1B}[Kexport: study 1/3 SDY99901 pulling"), "\(run.standardOutputText.debugDescription)")

            let bad = "'\(CLIHarness.executable)' export SDY00000 -o '\(h.path("x.json"))' " + Self.common.map { "'\($0)'" }.joined(separator: " ")
            let colored = try await ChildProcess.run("/usr/bin/script", ["-qec", bad, "/dev/null"], environment: ["TERM": "xterm", "NO_COLOR": ""])
            #expect(colored.standardOutputText.contains("\u{1B}[1;31merror:"), "\(colored.standardOutputText.debugDescription)")
            let plain = try await ChildProcess.run("/usr/bin/script", ["-qec", bad, "/dev/null"], environment: ["TERM": "xterm", "NO_COLOR": "1"])
            #expect(plain.standardOutputText.contains("error:") && !plain.standardOutputText.contains("\u{1B}[1;31m"))
        }
    }
}
