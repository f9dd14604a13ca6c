// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Oblige",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ObligeCore", targets: ["ObligeCore"]),
        .executable(name: "oblige", targets: ["oblige"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // The core: ingest → rules → clock → engine → exposure → store → report. Never prints,
        // never exits. The store is SQLite through GRDB, over the system libsqlite3. ZIPFoundation
        // reads the Transparency Database's zipped daily dumps (TDB/).
        .target(
            name: "ObligeCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"), .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"), "CPrefetch",
            ],
            // Release builds leave out the run-time checks of exclusive access (the compiler's own
            // checks stay, and debug builds, which the tests run, keep the run-time ones): they
            // were 6 % of an audit's instructions, through thread-local storage, mostly on locals
            // that escaping closures capture (evaluateCases' counters, a partition's case numbers).
            // An unsafe flag: SwiftPM refuses it in a package depended on by version (a branch or
            // revision works); should ObligeCore be published, those locals must move instead.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // One C function Swift cannot spell: a prefetch hint, for look-ups that miss the cache.
        .target(name: "CPrefetch"),
        // The thin executable: parses arguments, renders, maps outcomes to exit codes.
        .executableTarget(
            name: "oblige",
            dependencies: [
                "ObligeCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "ObligeTestSupport",
            dependencies: ["ObligeCore"],
            path: "Tests/ObligeTestSupport"
        ),
        .testTarget(
            name: "ObligeCoreTests",
            // GRDB directly: the store tests edit rows behind the store's back to prove tampering is caught.
            // ZIPFoundation: the TDB import tests build zipped dumps.
            dependencies: [
                "ObligeCore", "ObligeTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(
            name: "ObligeCLITests",
            dependencies: ["oblige", "ObligeTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
