import LinearAlgebra
import Testing

@Suite("Shape contracts stop the program")
struct PreconditionTests {
    @Test("An element count that does not match the shape is a precondition failure")
    func wrongElementCount() async {
        await #expect(processExitsWith: .failure) {
            _ = Matrix(rows: 2, columns: 2, elements: [1])
        }
    }

    @Test("Ragged rows are a precondition failure")
    func raggedRows() async {
        await #expect(processExitsWith: .failure) {
            _ = Matrix([[1, 2], [3]])
        }
    }

    @Test("Multiplying by a vector of the wrong length is a precondition failure")
    func matrixVectorMismatch() async {
        await #expect(processExitsWith: .failure) {
            _ = Matrix.identity(2).multiplied(by: [1, 2, 3])
        }
    }

    @Test("Multiplying non-conforming matrices is a precondition failure")
    func matrixMatrixMismatch() async {
        await #expect(processExitsWith: .failure) {
            _ = Matrix(rows: 2, columns: 3) * Matrix(rows: 2, columns: 3)
        }
    }

    @Test("Solving with a non-square matrix is a precondition failure")
    func solveNonSquare() async {
        await #expect(processExitsWith: .failure) {
            _ = try? Matrix(rows: 2, columns: 3).solve([1, 2])
        }
    }

    @Test("A negative weight is a precondition failure")
    func negativeWeight() async {
        await #expect(processExitsWith: .failure) {
            _ = Matrix.identity(2).weightedGram([1, -1])
        }
    }
}
