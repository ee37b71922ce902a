import ArgumentParser
import Dispatch
import FHIRModel
import FHIRPath

/// The program: the command line parsed and run (`ImmPortBridgeCommand`), with the R5 definitions loaded beside it.
///
/// Why: a command's first 15 ms or so are the argument parsing on one core (most of it the runtime's first look-ups
/// of protocol conformances) while the other waits, and every command that reads FHIR then loaded R5's definition
/// tables and FHIRPath's model of them (about 17 ms more) before doing anything else. Loaded on another thread from
/// the start, they are ready or nearly so when a command first needs them (Swift builds a static once: it waits for
/// the rest), and a command that never needs them does not wait for them.
@main
enum ImmPortBridgeProgram {
    static func main() async {
        DispatchQueue.global().async { FHIRPathModels.load(.r5) }
        await ImmPortBridgeCommand.main()
    }
}

/// Every command, subcommands too, gives its `commandName`: without one, ArgumentParser derives it from the type
/// through `String(describing:)`, whose dynamic casts each scan every protocol conformance in this (statically
/// linked) binary, about 2 ms of every start.
struct ImmPortBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "immport-bridge",
        abstract: "Pull, link, convert, flatten and reconcile ImmPort's FHIR and Shared Data records.",
        version: ToolVersion.current,
        subcommands: [
            ConvertCommand.self,
            ValidateCommand.self,
            FHIRPathCommand.self,
            ViewCommand.self,
            FHIRCommand.self,
            SharedDataCommand.self,
            MappingsCommand.self,
            PullCommand.self,
            ExportCommand.self,
            PushCommand.self,
            ReconcileCommand.self,
            FilesCommand.self, GeneListsCommand.self,
        ]
    )
}
