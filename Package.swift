// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "kam",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kam", targets: ["kam"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "ScoringEngine", targets: ["ScoringEngine"]),
        .library(name: "ScoringIO", targets: ["ScoringIO"]),
        .library(name: "RunHistory", targets: ["RunHistory"]),
        .library(name: "Reports", targets: ["Reports"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C shim over Debian's OpenBLAS (cblas.h) and LAPACKE (lapacke.h); no stable Swift API.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["COpenBLAS"]),
        // C declaration of glibc's fallocate(2), which Swift's Glibc module does not show.
        .systemLibrary(name: "CFileSpace"),
        .target(name: "ScoringEngine", dependencies: ["LinearAlgebra"]),
        .target(
            name: "ScoringIO",
            dependencies: [
                "CFileSpace", "LinearAlgebra", "ScoringEngine", .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // Run history in SQLite (GRDB over the system libsqlite3): its own target because
        // it is the only one that needs GRDB.
        .target(
            name: "RunHistory",
            dependencies: [
                "ScoringEngine", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // Reports built from engine results and rendered as text (Text/: table, markdown, CSV,
        // JSON) or as the HTML report.
        .target(name: "Reports", dependencies: ["ScoringEngine", "ScoringIO", "RunHistory"]),
        .executableTarget(
            name: "kam",
            dependencies: [
                "LinearAlgebra", "ScoringEngine", "ScoringIO", "RunHistory", "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "ScoringTestSupport",
            dependencies: [
                "LinearAlgebra", "ScoringEngine", "RunHistory",
                .product(name: "Numerics", package: "swift-numerics"),
            ],
            path: "Tests/ScoringTestSupport"
        ),
        .testTarget(
            name: "LinearAlgebraTests",
            dependencies: ["LinearAlgebra", "ScoringTestSupport"]
        ),
        .testTarget(
            name: "ScoringEngineTests",
            dependencies: ["ScoringEngine", "ScoringTestSupport"]
        ),
        .testTarget(
            name: "ScoringIOTests",
            dependencies: ["ScoringIO", "ScoringTestSupport"]
        ),
        .testTarget(
            name: "RunHistoryTests",
            dependencies: ["RunHistory", "ScoringTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "RunHistory", "ScoringEngine", "ScoringIO", "ScoringTestSupport"],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "KamTests",
            dependencies: [
                "kam", "ScoringIO", "RunHistory", "Reports", "ScoringTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
