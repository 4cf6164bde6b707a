// One use of a prepared statement kept for the life of its database
// connection (prepared once, bound and run many times): resets the statement
// when the scope that used it ends, also on error, so that no statement keeps
// a read snapshot open. The caller holds the connection's lock and binds every
// parameter at each use.
#pragma once

#include <SQLiteCpp/Statement.h>

namespace edgehub::hub {

class StatementUse {
 public:
  explicit StatementUse(SQLite::Statement& statement) : statement_(statement) {}
  ~StatementUse() { statement_.tryReset(); }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  SQLite::Statement* operator->() { return &statement_; }
  SQLite::Statement& operator*() { return statement_; }

 private:
  SQLite::Statement& statement_;
};

}  // namespace edgehub::hub
