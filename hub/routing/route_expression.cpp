#include "routing/route_expression.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

#include "routing/route_expression_rewrite.h"

namespace edgehub::hub {
namespace {

// The message as a one-row subquery: parameters ?1..?5 and nothing else.
constexpr std::string_view kMessageRow =
    " FROM (SELECT ?1 AS payload, ?2 AS device, ?3 AS seq, ?4 AS received_at_ms, "
    "?5 AS attributes)";
constexpr int kMessageParameters = 5;
constexpr int kSelectsPerStatement = 2;  // the expression's and the message row's

// Largest string or blob an expression may build (and largest payload bound).
constexpr int kMaxValueBytes = 16 * 1024 * 1024;
// Work budget per evaluation: progress callbacks of kProgressStep VM steps.
constexpr int kProgressStep = 1000;
constexpr int kMaxProgressCalls = 10000;

constexpr std::array<std::string_view, 7> kForbiddenFunctions = {
    "load_extension", "readfile", "writefile", "edit", "fts3_tokenizer", "zeroblob", "randomblob"};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

struct StatementDeleter {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

}  // namespace

struct RouteEngine::Impl {
  sqlite3* db = nullptr;
  // State of the compile in progress, for the authorizer.
  int selects_seen = 0;
  std::string refusal;
  int progress_calls = 0;

  static int authorize(void* context, int action, const char* /*first*/, const char* second,
                       const char* /*database*/, const char* /*trigger*/) {
    auto& self = *static_cast<Impl*>(context);
    switch (action) {
      case SQLITE_SELECT:
        if (++self.selects_seen <= kSelectsPerStatement) return SQLITE_OK;
        self.refusal = "subqueries are not allowed in a route expression";
        return SQLITE_DENY;
      case SQLITE_FUNCTION: {
        const std::string name = lower(second ? second : "");
        if (std::find(kForbiddenFunctions.begin(), kForbiddenFunctions.end(), name) ==
            kForbiddenFunctions.end()) {
          return SQLITE_OK;
        }
        self.refusal = "function " + name + "() is not allowed in a route expression";
        return SQLITE_DENY;
      }
      default:
        self.refusal = "only expressions over the message are allowed (no tables, no statements)";
        return SQLITE_DENY;
    }
  }

  static int progress(void* context) {
    auto& self = *static_cast<Impl*>(context);
    return ++self.progress_calls > kMaxProgressCalls ? 1 : 0;
  }

  Impl() {
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, nullptr) !=
        SQLITE_OK) {
      const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      throw std::runtime_error("routing: cannot open an in-memory SQLite database: " + message);
    }
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, kMaxValueBytes);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    sqlite3_set_authorizer(db, &Impl::authorize, this);
    sqlite3_progress_handler(db, kProgressStep, &Impl::progress, this);
  }
  ~Impl() { sqlite3_close(db); }

  Result<Statement> prepare(std::string_view head, std::string_view expression,
                            std::string_view tail_text, std::string_view what) {
    auto rewritten = rewrite_route_expression(expression);
    if (!rewritten) {
      return make_error(ErrorCode::invalid_argument,
                        std::string(what) + ": " + rewritten.error().message);
    }
    std::string sql(head);
    sql += *rewritten;
    sql += tail_text;
    sql += kMessageRow;
    selects_seen = 0;
    refusal.clear();
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size() + 1),
                                      SQLITE_PREPARE_PERSISTENT, &raw, &tail);
    Statement statement(raw);
    if (rc != SQLITE_OK) {
      std::string message = refusal.empty() ? sqlite3_errmsg(db) : refusal;
      return make_error(ErrorCode::invalid_argument, std::string(what) + ": " + message);
    }
    if (!statement || sqlite3_column_count(statement.get()) != 1 ||
        sqlite3_bind_parameter_count(statement.get()) != kMessageParameters) {
      return make_error(ErrorCode::invalid_argument,
                        std::string(what) + ": not a single SQL expression");
    }
    return statement;
  }
};

struct CompiledRoute::Statements {
  Statement condition;
  Statement projection;  // null: the data as is
};

RouteEngine::RouteEngine() : impl_(std::make_unique<Impl>()) {}
RouteEngine::~RouteEngine() = default;

Result<std::unique_ptr<CompiledRoute>> RouteEngine::compile(std::string_view condition,
                                                            std::string_view projection) {
  auto statements = std::make_unique<CompiledRoute::Statements>();
  auto compiled_condition =
      impl_->prepare("SELECT CASE WHEN (\n", condition, "\n) THEN 1 ELSE 0 END", "condition");
  if (!compiled_condition) return compiled_condition.error();
  statements->condition = std::move(*compiled_condition);
  if (!projection.empty()) {
    auto compiled_projection =
        impl_->prepare("SELECT json_quote(\n", projection, "\n)", "projection");
    if (!compiled_projection) return compiled_projection.error();
    statements->projection = std::move(*compiled_projection);
  }
  const bool attributes = lower(condition).find("attributes") != std::string::npos ||
                          lower(projection).find("attributes") != std::string::npos;
  return std::make_unique<CompiledRoute>(*impl_, std::move(statements), attributes);
}

CompiledRoute::CompiledRoute(RouteEngine::Impl& engine, std::unique_ptr<Statements> statements,
                             bool uses_attributes)
    : engine_(engine), statements_(std::move(statements)), uses_attributes_(uses_attributes) {}

CompiledRoute::~CompiledRoute() = default;

namespace {

void bind_message(sqlite3_stmt* statement, const RouteMessage& message) {
  sqlite3_bind_text(statement, 1, message.data_json.data(),
                    static_cast<int>(message.data_json.size()), SQLITE_STATIC);
  sqlite3_bind_text(statement, 2, message.device.data(), static_cast<int>(message.device.size()),
                    SQLITE_STATIC);
  sqlite3_bind_int64(statement, 3, static_cast<sqlite3_int64>(message.seq));
  sqlite3_bind_int64(statement, 4, message.received_at_ms);
  sqlite3_bind_text(statement, 5, message.attributes_json.data(),
                    static_cast<int>(message.attributes_json.size()), SQLITE_STATIC);
}

// Runs a one-row statement; the row's single column is read by read_column.
template <typename ReadColumn>
Status run(sqlite3* db, int& progress_calls, sqlite3_stmt* statement, const RouteMessage& message,
           std::string_view what, ReadColumn read_column) {
  progress_calls = 0;
  bind_message(statement, message);
  const int rc = sqlite3_step(statement);
  Status outcome = ok_status();
  if (rc == SQLITE_ROW) {
    read_column(statement);
  } else {
    std::string reason =
        rc == SQLITE_INTERRUPT ? "evaluation took too much work" : std::string(sqlite3_errmsg(db));
    outcome = make_error(ErrorCode::invalid_argument, std::string(what) + ": " + reason);
  }
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  return outcome;
}

}  // namespace

Result<RouteEvaluation> CompiledRoute::evaluate(const RouteMessage& message) {
  RouteEvaluation evaluation;
  Status condition =
      run(engine_.db, engine_.progress_calls, statements_->condition.get(), message, "condition",
          [&](sqlite3_stmt* row) { evaluation.matched = sqlite3_column_int(row, 0) != 0; });
  if (!condition) return condition.error();
  if (!evaluation.matched) return evaluation;
  if (!statements_->projection) {
    evaluation.output = std::string(message.data_json);
    return evaluation;
  }
  Status projection =
      run(engine_.db, engine_.progress_calls, statements_->projection.get(), message, "projection",
          [&](sqlite3_stmt* row) {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(row, 0));
            evaluation.output =
                std::string(text ? text : "null",
                            text ? static_cast<std::size_t>(sqlite3_column_bytes(row, 0)) : 4);
          });
  if (!projection) return projection.error();
  return evaluation;
}

}  // namespace edgehub::hub
