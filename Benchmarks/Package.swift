// swift-tools-version:6.1
// Benchmarks of kam, in their own package so that a root `swift test` never resolves the
// benchmark dependencies. Run from the repository root:
//   swift package --package-path Benchmarks benchmark            (package-benchmark suite)
//   swift run -c release --package-path Benchmarks kam-bandwidth (scoring kernel vs memory)
//   bash Benchmarks/compare/compare.sh                           (kam against pandas, polars, DuckDB)
import PackageDescription

let package = Package(
    name: "kam-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(name: "kam", path: ".."),
    ],
    targets: [
        // The plugin discovers benchmark targets in folders whose parent is `Benchmarks`.
        .executableTarget(
            name: "ScoringBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LinearAlgebra", package: "kam"),
                .product(name: "ScoringEngine", package: "kam"),
                .product(name: "ScoringIO", package: "kam"),
            ],
            path: "ScoringBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "kam-bandwidth",
            dependencies: [
                .product(name: "LinearAlgebra", package: "kam"),
                .product(name: "ScoringEngine", package: "kam"),
                .product(name: "ScoringIO", package: "kam"),
            ],
            path: "Tools/BandwidthCheck"
        ),
    ],
    swiftLanguageModes: [.v6]
)
