import RunHistory
