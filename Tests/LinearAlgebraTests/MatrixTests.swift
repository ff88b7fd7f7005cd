import Foundation
import LinearAlgebra
import ScoringTestSupport
import Testing

// These tests check storage and layout only: no arithmetic happens, so stored doubles are
// compared exactly.
@Suite("Matrix storage and layout")
struct MatrixTests {
    @Test("Rows are stored one after another in row-major order")
    func rowMajorLayout() {
        let matrix = Matrix([[1, 2, 3], [4, 5, 6]])
        #expect(matrix.rows == 2)
        #expect(matrix.columns == 3)
        #expect(matrix.elements == [1, 2, 3, 4, 5, 6])
        #expect(matrix == Matrix(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6]))
    }

    @Test("Repeating initializer fills every entry, including empty shapes")
    func repeatingInitializer() {
        #expect(Matrix(rows: 2, columns: 2, repeating: 7).elements == [7, 7, 7, 7])
        #expect(Matrix(rows: 2, columns: 3).elements == Array(repeating: 0, count: 6))
        #expect(Matrix(rows: 0, columns: 5).elements.isEmpty)
        #expect(Matrix([]).rows == 0 && Matrix([]).columns == 0)
    }

    @Test("Identity and diagonal put values on the main diagonal only")
    func identityAndDiagonal() {
        #expect(Matrix.identity(3) == Matrix([[1, 0, 0], [0, 1, 0], [0, 0, 1]]))
        #expect(Matrix.diagonal([2, 5]) == Matrix([[2, 0], [0, 5]]))
        #expect(Matrix.identity(0) == Matrix(rows: 0, columns: 0))
    }

    @Test("Subscript reads and writes the addressed entry")
    func subscripting() {
        var matrix = Matrix(rows: 2, columns: 3)
        matrix[1, 2] = 9
        matrix[0, 1] = -4
        #expect(matrix[1, 2] == 9)
        #expect(matrix.elements == [0, -4, 0, 0, 0, 9])
    }

    @Test("Row and column accessors return the entries in order")
    func rowAndColumn() {
        let matrix = Matrix([[1, 2, 3], [4, 5, 6]])
        #expect(Array(matrix.row(1)) == [4, 5, 6])
        #expect(matrix.column(0) == [1, 4])
        #expect(matrix.column(2) == [3, 6])
    }

    @Test("Transposing swaps rows and columns and is its own inverse")
    func transposition() {
        let matrix = Matrix([[1, 2, 3], [4, 5, 6]])
        #expect(matrix.transposed == Matrix([[1, 4], [2, 5], [3, 6]]))
        #expect(matrix.transposed.transposed == matrix)
        #expect(Matrix(rows: 0, columns: 3).transposed == Matrix(rows: 3, columns: 0))
    }

    @Test("A matrix survives a JSON round trip")
    func codableRoundTrip() throws {
        let matrix = Matrix([[1.5, -2], [0.25, 1e-300]])
        let data = try JSONEncoder().encode(matrix)
        #expect(try JSONDecoder().decode(Matrix.self, from: data) == matrix)
    }

    @Test("Decoding rejects an element count that does not match the shape")
    func decodingRejectsWrongCount() {
        let json = Data(#"{"rows": 2, "columns": 2, "elements": [1, 2, 3]}"#.utf8)
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode(Matrix.self, from: json)
        }
    }

    @Test("Description shows the shape and one row per line")
    func description() {
        #expect(Matrix([[1, 2], [3, 4]]).description == "2×2 matrix\n[1.0, 2.0]\n[3.0, 4.0]")
        #expect(Matrix(rows: 0, columns: 3).description == "0×3 matrix")
    }

    @Test("Description elides rows beyond the eighth")
    func longDescription() {
        let matrix = Matrix(rows: 10, columns: 1, repeating: 0)
        let expected = ["10×1 matrix"] + Array(repeating: "[0.0]", count: 8) + ["… (2 more rows)"]
        #expect(matrix.description == expected.joined(separator: "\n"))
    }
}
