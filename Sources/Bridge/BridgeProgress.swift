/// Where a bridge run is, for a progress display: the stage one study has reached, and how many studies there are.
public struct BridgeProgress: Sendable {
    public enum Step: String, Sendable {
        case pulling, linking, merging, done
    }

    public var step: Step
    public var study: String
    /// 0-based position of `study` in the run.
    public var index: Int
    public var count: Int
    /// Resources the studies done so far came to (pulled, then merged).
    public var resources: Int
}
