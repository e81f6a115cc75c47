// swift-tools-version:6.0
// dstool: one host binary, one dynamic library per plugin. See README.md, "Architecture".
import PackageDescription

// C modules over the Debian system libraries (each header also wraps the macros Swift cannot import).
let systemModules: [Target] = [
    .target(name: "CDSToolPluginABI", path: "Sources/CDSToolPluginABI"),
    .target(name: "CDSToolCrypto", path: "Sources/CDSToolCrypto", linkerSettings: [.linkedLibrary("crypto")]),
    .target(name: "CDSToolTLS", path: "Sources/CDSToolTLS", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
    .target(name: "CDSToolArchive", path: "Sources/CDSToolArchive", linkerSettings: [.linkedLibrary("archive")]),
    .target(name: "CDSToolMagic", path: "Sources/CDSToolMagic", linkerSettings: [.linkedLibrary("magic")]),
    // gzip inflated with ISA-L (libisal-dev) for libarchive: 2-3x zlib's speed.
    .target(name: "CDSToolGunzip", path: "Sources/CDSToolGunzip", linkerSettings: [.linkedLibrary("isal"), .linkedLibrary("archive")]),
    .target(name: "CDSToolSQLite", path: "Sources/CDSToolSQLite", linkerSettings: [.linkedLibrary("sqlite3")]),
    .target(name: "CDSToolHyperscan", path: "Sources/CDSToolHyperscan", linkerSettings: [.linkedLibrary("hs")]),
    // libyaml (libyaml-dev) for plugins that read YAML without Yams, which imports Foundation.
    .target(name: "CDSToolYAML", path: "Sources/CDSToolYAML", linkerSettings: [.linkedLibrary("yaml")]),
    // The encrypt plugin's SIMD SM4/SM3 kernels (C); optimised in debug builds too, where -O0 intrinsics run 10-100x slower.
    .target(name: "CDSToolSM", path: "Plugins/Encrypt/CSM", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
    // The input layer's byte scans (text detection) with SSE2, which Swift cannot express.
    .target(name: "CDSToolText", path: "Sources/CDSToolText"),
    // The scan plugin's 64-byte masks (digits, cell ends) with SSE2 movemask, inlined into its Swift.
    .target(name: "CDSToolScanBits", path: "Plugins/Scan/CBits"),
]

/// A Swift plugin is a folder under Plugins/: `Sources/` holds the logic target (what tests
/// import), `Entry/` the few lines that export `dstool_plugin_entry_v1`, built as the dynamic
/// library `libdstool-<id>.so`. Adding a plugin is one line below, one folder and one manifest.
struct SwiftPlugin {
    let folder: String          // Plugins/<folder>
    let id: String              // manifest id; library is libdstool-<id>.so
    let dependencies: [Target.Dependency]

    var logicTarget: String { "DSTool\(folder)" }
    var entryTarget: String { "DSTool\(folder)Entry" }
    var targets: [Target] {
        [
            .target(name: logicTarget, dependencies: ["DSToolKit"] + dependencies, path: "Plugins/\(folder)/Sources"),
            .target(name: entryTarget, dependencies: [.target(name: logicTarget), "DSToolKit"], path: "Plugins/\(folder)/Entry"),
        ]
    }
    var product: Product { .library(name: "dstool-\(id)", type: .dynamic, targets: [entryTarget]) }
}

let yams: Target.Dependency = .product(name: "Yams", package: "Yams")

// One line per plugin (kept apart by the comment lines so that parallel edits merge cleanly).
var swiftPlugins: [SwiftPlugin] = []
// leak detection: dstool scan
swiftPlugins.append(SwiftPlugin(folder: "Scan", id: "scan", dependencies: ["CDSToolHyperscan", "CDSToolSQLite", "CDSToolScanBits", "DSToolYAML"]))
// masking: dstool mask / unmask
swiftPlugins.append(SwiftPlugin(folder: "Mask", id: "mask", dependencies: ["DSToolScan", "CDSToolSQLite", "CDSToolCrypto", "CDSToolSM", yams]))
// encryption: dstool encrypt / decrypt / keygen / sign / verify / hash
swiftPlugins.append(SwiftPlugin(folder: "Encrypt", id: "encrypt", dependencies: ["CDSToolCrypto", "CDSToolSM"]))
// crypto-usage audit: dstool crypto-audit
swiftPlugins.append(SwiftPlugin(folder: "CryptoAudit", id: "cryptoaudit", dependencies: ["CDSToolCrypto", "CDSToolTLS", "CDSToolHyperscan"]))
// attack tracing: dstool trace
swiftPlugins.append(SwiftPlugin(folder: "Trace", id: "trace", dependencies: ["CDSToolHyperscan", "CDSToolSQLite", yams]))
// compliance check: dstool comply
swiftPlugins.append(SwiftPlugin(folder: "Comply", id: "comply", dependencies: ["DSToolScan", "DSToolCryptoAudit", "DSToolEncrypt", "CDSToolSQLite", "CDSToolArchive", yams]))

let package = Package(
    name: "dstool",
    products: [
        .executable(name: "dstool", targets: ["dstool"]),
        // The evidence inventory, written in C to prove the ABI is language-neutral.
        .library(name: "dstool-inventory", type: .dynamic, targets: ["DSToolInventory"]),
        // A minimal Swift plugin used only by the tests (loading from an installed prefix).
        .library(name: "dstool-echo", type: .dynamic, targets: ["DSToolEchoFixture"]),
    ] + swiftPlugins.map(\.product),
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: systemModules + [
        .target(name: "DSToolKit", dependencies: ["CDSToolPluginABI", "CDSToolCrypto", "CDSToolText"], path: "Sources/DSToolKit"),
        .target(name: "DSToolCore",
                dependencies: ["DSToolKit", "CDSToolPluginABI", "CDSToolArchive", "CDSToolGunzip", "CDSToolMagic", "CDSToolSQLite", "CDSToolCrypto"],
                path: "Sources/DSToolCore"),
        // YAML documents as node trees over libyaml, for plugins (no Foundation).
        .target(name: "DSToolYAML", dependencies: ["CDSToolYAML"], path: "Sources/DSToolYAML"),
        .executableTarget(name: "dstool", dependencies: ["DSToolCore", "DSToolKit"], path: "Sources/dstool"),

        .target(name: "DSToolInventory", dependencies: ["CDSToolPluginABI"], path: "Plugins/Inventory/Sources",
                linkerSettings: [.linkedLibrary("crypto")]),
        .target(name: "DSToolEchoFixture", dependencies: ["DSToolKit"], path: "Tests/Fixtures/EchoPlugin"),

        .testTarget(name: "DSToolKitTests", dependencies: ["DSToolKit", "DSToolYAML", yams], path: "Tests/DSToolKitTests"),
        .testTarget(name: "DSToolCoreTests", dependencies: ["DSToolCore", "DSToolKit"], path: "Tests/DSToolCoreTests"),
        // Runs the built dstool binary and plugins end to end (needs `swift build` first; see README).
        .testTarget(name: "IntegrationTests", dependencies: ["DSToolKit"], path: "Tests/IntegrationTests"),
    ] + swiftPlugins.flatMap(\.targets)
      + swiftPlugins.map { .testTarget(name: "\($0.logicTarget)Tests", dependencies: [.target(name: $0.logicTarget), "DSToolKit", "DSToolCore"], path: "Plugins/\($0.folder)/Tests") },
    swiftLanguageModes: [.v5]
)
