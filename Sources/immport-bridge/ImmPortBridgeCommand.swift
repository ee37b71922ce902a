import ArgumentParser
import Dispatch
import FHIRModel
import FHIRPath

/// The program: the command line parsed and run (`ImmPortBridgeCommand`), with the R5 definitions loaded beside it.
///
/// Why: loading R5's definition tables and FHIRPath's model of them (about 17 ms of one core) came after parsing the
/// arguments (about 15 ms of the other core's idle time, most of it the runtime's first look-ups of protocol
/// conformances), and every command that reads FHIR waited for both in turn. Loaded on another thread from the
/// start, a command that needs them finds them ready or waits for the rest (Swift builds a static once); one that
/// does not never waits for them.
@main
enum ImmPortBridgeProgram {
    static func main() async {
        DispatchQueue.global().async { FHIRPathModels.load(.r5) }
        await ImmPortBridgeCommand.main()
    }
}

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
