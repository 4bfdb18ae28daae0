// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Sift",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "SiftKit", targets: ["SiftKit"]),
        .executable(name: "sift", targets: ["sift"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2", pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]),
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),
        .target(name: "SiftPCRE2", dependencies: ["CPCRE2"]),
        .target(name: "SiftXML", dependencies: ["CLibXML2"]),
        .target(
            name: "SiftKit",
            dependencies: [
                "SiftPCRE2", "SiftXML", .product(name: "Yams", package: "Yams"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .executableTarget(
            name: "sift",
            dependencies: ["SiftKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "SiftPCRE2Tests", dependencies: ["SiftPCRE2"]),
        .testTarget(name: "SiftXMLTests", dependencies: ["SiftXML"]),
        .testTarget(name: "SiftKitTests", dependencies: ["SiftKit", "SiftXML", "SiftTestSupport"]),
        .testTarget(name: "SiftCLITests", dependencies: ["sift", "SiftTestSupport"]),
        // Helpers shared by the test targets.
        .target(name: "SiftTestSupport", path: "Tests/SiftTestSupport"),
    ]
)
