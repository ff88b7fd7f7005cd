import ScoringEngine
import ScoringIO
import Testing

@Suite("Stage-event log reader")
struct StageEventLogReaderTests {
    func read(_ text: String) throws -> StageEventLogReader.Result {
        try StageEventLogReader().read(CSVReader().read(bytes: Array(text.utf8), file: "events.csv"))
    }

    @Test("good histories are sorted by date and chained; columns may come in any order")
    func good() throws {
        let result = try read(
            """
            date,to_stage,account_id,from_stage,note
            2024-03-02,2,A,1,
            2024-01-10,1,A,,entered
            2024/4/20,won,A,2,
            2024-02-01,3,B,2,first seen moving
            2024-02-20,lost,B,3,
            """)
        #expect(result.rejects.isEmpty)
        #expect(result.histories.map(\.accountID) == ["A", "B"])
        let a = result.histories[0].events
        #expect(a.map(\.to) == [.stage(1), .stage(2), .won])
        #expect(a.map(\.line) == [3, 2, 4])
        #expect(a[0].from == nil)
        #expect(result.histories[1].events[0].from == .stage(2))
        #expect(result.firstDate?.description == "2024-01-10")
        #expect(result.lastDate?.description == "2024-04-20")
        #expect(result.eventsUsed == 5 && result.rowsRead == 5)
    }

    @Test("each kind of bad row is rejected with its line, column and fix, and its account left out")
    func rejects() throws {
        let result = try read(
            """
            account_id,date,from_stage,to_stage
            A,2024-01-05,,1
            A,2024-13-01,1,2
            B,2024-01-05,,1
            B,2024-02-05,1,six
            C,2024-01-05,,1
            C,2024-02-05,1,1
            D,2024-01-05,,1
            D,2024-02-05,2,3
            E,2024-01-05,,1
            E,2024-02-05,1,lost
            E,2024-03-05,1,2
            F,2024-01-05,,1
            F,2024-02-05,,2
            ,2024-01-05,,1
            G,2024-01-05,,1,extra
            H,2024-01-05,,2
            """)
        let summary = result.rejects.map { "\($0.line):\($0.columnNumber.map(String.init) ?? "-"):\($0.reason)" }
        #expect(
            summary == [
                "3:2:bad_date", "5:4:bad_stage", "7:4:no_move", "9:3:broken_chain", "12:3:after_close", "14:3:reentry",
                "15:1:missing_id", "16:-:field_count",
            ])
        #expect(
            result.rejects[0].description
                == "events.csv:3:2: 'date' is '2024-13-01', which is not a date; write YYYY-MM-DD, e.g. 2024-03-05.")
        #expect(
            result.rejects[3].message
                == "account 'D' moves from stage 2 on 2024-02-05, but its previous event (line 8, 2024-01-05) left it in stage 1; correct 'from_stage' or add the missing move."
        )
        #expect(result.excludedAccounts.map(\.accountID) == ["A", "B", "C", "D", "E", "F"])
        #expect(result.excludedAccounts[4].lines == [10, 11])
        #expect(result.histories.map(\.accountID) == ["H"])
    }

    @Test("a log without a needed column names the missing columns and those it has")
    func missingColumn() throws {
        #expect(
            throws: DatasetError.missingColumns(file: "events.csv", missing: ["from_stage"], available: ["account_id", "date", "to_stage"])
        ) {
            try read("account_id,date,to_stage\nA,2024-01-01,1\n")
        }
    }
}
