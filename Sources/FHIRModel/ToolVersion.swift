/// The tool's version, shown by `--version` and sent in the User-Agent.
public enum ToolVersion {
    public static let current = "0.1.0"
}
