import ArgumentParser
import Foundation
import LinearAlgebra

@main
struct Kam: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kam",
        abstract: "Score, grade and rank key-account prospects (大客户评估与排序).",
        discussion: """
            A weighted-factor valuation model scores every account on value and on difficulty, \
            grades it A/B/C/D (or sends it back for more information), and ranks the list.

            Exit status (sysexits.h):
              0   success
              64  usage error: a bad option or argument
              65  bad data: the prospect list or model file has a problem that stops the run \
            (with --strict, any rejected row)
              64  also: an output that is the same file as an input (the list, the model)
              66  an input file is missing or unreadable (also a directory given as one)
              70  internal failure: a bug; please report it with the command line
              73  an output cannot be created (missing folder, a directory, read-only, mode 444)
              74  writing an output failed (disk full, file-size limit); the old file is kept

            Outputs are written through a temporary file and renamed into place; devices and \
            pipes are written into. Limits, encodings and details: docs/files-and-exit-codes.md.
            """,
        version: "0.1.0",
        subcommands: [
            Rank.self, Validate.self, Init.self, ModelCommand.self, Generate.self, KPI.self, Weights.self, Sensitivity.self, Explain.self,
            Pipeline.self, Forecast.self, Backtest.self, Allocate.self, Simulate.self, Runs.self, Changes.self, History.self, Report.self,
        ]
    )

    /// Checks the command words and joins negative option values before parsing (see
    /// ``CommandSpelling``).
    static func main() {
        requestProcessorKernels()
        BLASThreads.runCallsOnCallingThread(environment: ProcessInfo.processInfo.environment)
        let arguments = CommandSpelling.joiningNegativeValues(Array(CommandLine.arguments.dropFirst()))
        if let message = CommandSpelling.unknownCommand(in: arguments, root: Kam.self) {
            printError("Error: \(message)")
            Kam.exit(withError: ExitCode(64))
        }
        main(arguments)
    }

    /// Starts `kam` again, same arguments and process, with `OPENBLAS_CORETYPE` set when
    /// OpenBLAS fell back to its generic kernels on a processor with AVX-512 or AVX2 (see
    /// ``BLASKernels``): its products then run at the processor's speed. A core type already in
    /// the environment is kept (`OPENBLAS_CORETYPE=Prescott` keeps the generic kernels). If the
    /// restart fails, `kam` carries on with the generic kernels.
    static func requestProcessorKernels() {
        guard
            let coreType = BLASKernels.coreTypeToRequest(
                coreName: BLASKernels.coreName, flags: BLASKernels.processorFlags(), environment: ProcessInfo.processInfo.environment)
        else { return }
        setenv("OPENBLAS_CORETYPE", coreType, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")
    }
}
