import ArgumentParser
import FHIRModel

@main
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
