// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// Whether release builds link jemalloc (the `ReleaseAllocator` target below): unless IMMPORT_BRIDGE_SYSTEM_MALLOC is
/// set, when the machine has the library (Debian's `libjemalloc2` in a library directory the linker searches), so that
/// a machine without it still builds, on glibc's malloc.
let linksJemalloc = Context.environment["IMMPORT_BRIDGE_SYSTEM_MALLOC"] == nil
    && ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"]
        .contains { FileManager.default.fileExists(atPath: "\($0)/libjemalloc.so.2") }

// Targets, lower never importing higher:
// CLibXML2 < FHIRModel < FHIRPath < FHIRViews;  FHIRModel, JSONStructure < ImmPortAPI;  all < Bridge < immport-bridge;
// ReleaseAllocator (the release binary's jemalloc) < immport-bridge.
let package = Package(
    name: "ImmPortBridge",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "immport-bridge", targets: ["immport-bridge"]),
        .library(name: "FHIRModel", targets: ["FHIRModel"]),
        .library(name: "FHIRPath", targets: ["FHIRPath"]),
        .library(name: "FHIRViews", targets: ["FHIRViews"]),
        .library(name: "ImmPortAPI", targets: ["ImmPortAPI"]),
        .library(name: "Bridge", targets: ["Bridge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // Already built for async-http-client's TLS; reports name their mapping files by SHA-256.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(
            name: "FHIRModel",
            dependencies: ["CLibXML2"],
            // The generators of Definitions/Generated/*.swift and Units/Generated/*.swift (python3, stdlib only);
            // their output is committed.
            exclude: ["Definitions/Generator", "Units/Generator"]
        ),
        .target(name: "FHIRPath", dependencies: ["FHIRModel"]),
        .target(
            name: "FHIRViews",
            dependencies: [
                "FHIRModel", "FHIRPath",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "ImmPortAPI",
            dependencies: [
                "FHIRModel",
                "JSONStructure",  // the answers' array splitter, 64 bytes at a time
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),  // MD5 of downloaded study files (DRS/)
            ],
            // The generator of SharedData/SharedDataEndpointTable.swift; its output is committed.
            exclude: ["SharedData/Generator"]
        ),
        .target(
            name: "Bridge",
            dependencies: [
                "FHIRModel", "FHIRPath", "FHIRViews", "ImmPortAPI",
                // Mapping files are YAML; Yams keeps each node's line and column for located errors.
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                // The local store of pulled studies (Store/).
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(
            name: "immport-bridge",
            dependencies: [
                "FHIRModel", "FHIRPath", "FHIRViews", "ImmPortAPI", "Bridge",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                // The configuration file (config.yaml); already built for the mapping files.
                .product(name: "Yams", package: "Yams"),
                "ReleaseAllocator",
            ]
        ),
        // The release binary's allocator: jemalloc (Debian's libjemalloc2) in place of glibc's malloc, linked in
        // release builds on Linux. The bridge's stages build and free many small trees and tables on every core at
        // once; on jemalloc a 10,000-subject reconcile is 7-9% faster, a 100,000-resource export 1-7% (BENCHMARKS.md,
        // thirty-fourth wave). Debug builds (`swift run`, `swift test`) keep glibc's malloc, and
        // IMMPORT_BRIDGE_SYSTEM_MALLOC=1 keeps it in a release build too; so does a machine without libjemalloc2.
        .target(
            name: "ReleaseAllocator",
            linkerSettings: linksJemalloc
                ? [.unsafeFlags(["-Xlinker", "-l:libjemalloc.so.2"], .when(platforms: [.linux], configuration: .release))]
                : []
        ),
        // JSON's structural bytes found 64 at a time (SSE2), for the Shared Data answers' array splitter.
        .target(name: "JSONStructure"),
        // Test support: locating ../shared/ (skip loudly, fail under CI=true).
        .target(name: "TestSupport", dependencies: ["FHIRModel"]),
        // A loopback HTTP server that serves Fixtures/ the way HAPI and the Shared Data API do, with faults.
        .target(
            name: "ImmPortTestServer",
            dependencies: [
                "FHIRModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // NIOLockedValueBox: a lock ThreadSanitizer sees, for the state the server's threads and the tests share.
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // Deterministic synthetic FHIR data for benchmarks and tests.
        .target(name: "SyntheticFHIR", dependencies: ["FHIRModel"], path: "Benchmarks/Generator", exclude: ["README.md"]),
        // Serves Fixtures/ or N synthetic resources on loopback (pull benchmark, manual debugging).
        .executableTarget(name: "immport-test-server", dependencies: ["ImmPortTestServer"], path: "Benchmarks/TestServer"),
        .executableTarget(
            name: "immport-bridge-bench",
            dependencies: ["FHIRModel", "FHIRPath", "FHIRViews", "SyntheticFHIR", "Bridge", "ImmPortAPI"],
            path: "Benchmarks/Runner"
        ),
        .testTarget(
            name: "FHIRModelTests", dependencies: ["FHIRModel", "SyntheticFHIR", "TestSupport"],
            // Malformed-input files and their generator, and inputs the fuzzers found (fuzz/), read by the tests
            // (CorpusRefusalTests, FuzzRegressionTests) from the source tree.
            exclude: ["Corpus", "Regressions"]
        ),
        .testTarget(
            name: "FHIRPathTests", dependencies: ["FHIRModel", "FHIRPath", "TestSupport"],
            // Inputs the fuzzers found (fuzz/), replayed by FHIRPathNestingTests from the source tree.
            exclude: ["Regressions"]
        ),
        .testTarget(
            name: "FHIRViewsTests",
            dependencies: [
                "FHIRModel", "FHIRPath", "FHIRViews", "TestSupport",
                // To read the SQLite and PostgreSQL outputs back.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "ImmPortAPITests",
            dependencies: [
                "FHIRModel", "ImmPortAPI", "ImmPortTestServer", "TestSupport",
                // To keep NIO's shared event loops busy (TestServerEventLoopTests).
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            // Inputs the fuzzers found (fuzz/), read by FuzzRegressionTests from the source tree.
            exclude: ["Regressions"]
        ),
        .testTarget(
            name: "BridgeTests",
            dependencies: [
                "FHIRModel", "FHIRPath", "ImmPortAPI", "Bridge", "ImmPortTestServer", "TestSupport",
                // SyntheticFHIR: the large generated study (SyntheticImmPortStudy) the fixture tests write and check.
                "SyntheticFHIR",
                .product(name: "Logging", package: "swift-log"),
            ],
            // Broken mapping files and inputs the fuzzers found, read by the tests from the source tree (not bundled).
            exclude: ["MappingCorpus", "Regressions"]
        ),
        // Runs the built immport-bridge executable (as users do: exit codes, stderr, files) against the test server;
        // ImmPortAPI to load what it exports into that server.
        .testTarget(
            name: "ImmPortBridgeCLITests",
            dependencies: [
                "FHIRModel", "ImmPortAPI", "ImmPortTestServer", "TestSupport",
                // SplitMix64: the seeded moments at which a pull is killed.
                "SyntheticFHIR",
                // To read back the store `pull` fills and export's SQLite and PostgreSQL tables.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
