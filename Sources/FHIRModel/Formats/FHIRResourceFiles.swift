/// Many resource files (a directory of one-resource files, say) read on every core, each through
/// `FHIRResourceInput`, the one reader. The answer is the sequential one: every file's resources in the files'
/// order, and when files are bad, the error of the first bad file in that order. Reading a file is mostly parsing
/// it, and files do not depend on each other.
public enum FHIRResourceFiles {
    public static func read(
        paths: [String], options: FHIRResourceInput.Options, workers: Int = ParallelMap.defaultWorkers
    ) throws -> [[FHIRElement]] {
        try ParallelMap.map(count: paths.count, workers: workers) { index in
            var resources: [FHIRElement] = []
            let input = try FHIRResourceInput(path: paths[index], options: options)
            try input.forEachResource { resource, _ in resources.append(resource) }
            return resources
        }
    }
}
