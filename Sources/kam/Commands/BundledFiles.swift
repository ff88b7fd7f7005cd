import Foundation

/// Finds the bundled model files (`models/default.yaml`, `models/team.yaml`, …) when the user
/// names none, so `kam` works from any folder, not only the repository's.
///
/// The order: the path given on the command line; then the environment variable (when the
/// file has one, such as `KAM_MODEL`); then `models/NAME` in the current folder; then
/// `$KAM_HOME/models/NAME`; then the copy installed beside the binary
/// (`PREFIX/share/kam/models/NAME` for a binary in `PREFIX/bin`); then the `models` folder of
/// the package the binary was built in (`.build/…/kam` inside a clone). When none exists, the
/// current folder's path is returned, so the error names the usual place.
enum BundledFiles {
    /// The path to read for the bundled file `name` (such as `default.yaml`).
    static func locate(
        _ given: String?, name: String, environmentVariable: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: String = CommandLine.arguments.first ?? "kam"
    ) -> String {
        if let given { return given }
        if let variable = environmentVariable, let path = environment[variable], !path.isEmpty { return path }
        let relative = "models/" + name
        return candidates(relative: relative, environment: environment, executable: executable)
            .first { FileManager.default.fileExists(atPath: $0) } ?? relative
    }

    /// Every place looked at after the command line and the environment variable, in order.
    static func candidates(relative: String, environment: [String: String], executable: String) -> [String] {
        var places = [relative]
        if let home = environment["KAM_HOME"], !home.isEmpty { places.append(home + "/" + relative) }
        let binary = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        let folder = binary.deletingLastPathComponent()
        places.append(folder.deletingLastPathComponent().appendingPathComponent("share/kam/" + relative).path)
        // A build inside a clone: PACKAGE/.build/<triple>/<configuration>/kam.
        var directory = folder
        for _ in 0..<4 {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                places.append(directory.appendingPathComponent(relative).path)
                break
            }
            directory.deleteLastPathComponent()
        }
        return places
    }
}
