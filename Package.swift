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
    ],
    targets: [
        // The core: ingest → rules → clock → engine → report. Never prints, never exits.
        .target(
            name: "ObligeCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
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
            dependencies: ["ObligeCore", "ObligeTestSupport"]
        ),
        .testTarget(
            name: "ObligeCLITests",
            dependencies: ["oblige", "ObligeTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
