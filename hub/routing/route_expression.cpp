#include "routing/route_expression.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
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
// Work budget per evaluation: progress callbacks of kProgressStep VM steps,
// at most kMaxProgressCalls of them and no later than the time budget.
constexpr int kProgressStep = 1000;
constexpr int kMaxProgressCalls = 10000;
// LIKE and GLOB run inside one VM step, out of the progress handler's reach
// (SQLite calls it only at jumps and at the end of a statement: a condition
// has no loops), in time up to pattern length x text length: SQLite's default
// pattern limit of 50,000 let one condition over a 256 KiB payload take
// seconds. 100 bytes (about 45 ms over 256 KiB at worst) covers the patterns
// routes use; each LIKE/GLOB also checks the deadline before it starts
// (budgeted_match below), so one condition overshoots by one match at most.
constexpr int kMaxLikePatternBytes = 100;
// Nesting of an expression (SQLite's default 1000); a condition has no use
// for more, and parsing deep expressions costs stack.
constexpr int kMaxExpressionDepth = 100;
constexpr int kMaxFunctionArguments = 32;
constexpr int kMaxStatementOpcodes = 20000;

// printf/format: '%.*c' with a width of 2^31 runs for seconds inside one VM
// step (SQLite 3.40 appends the character once per unit of width, even past
// the length limit), out of reach of any progress handler (found by fuzzing).
constexpr std::array<std::string_view, 9> kForbiddenFunctions = {
    "load_extension", "readfile",   "writefile", "edit",  "fts3_tokenizer",
    "zeroblob",       "randomblob", "printf",    "format"};

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
  // The evaluation in progress: cut off after this point in time.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  bool over_budget = false;

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

  // LIKE and GLOB as SQLite's own, evaluated on a second connection (SQLite
  // cannot call its built-in from an override), after a deadline check.
  sqlite3* matcher = nullptr;
  Statement like2;  // like(pattern, text): text LIKE pattern
  Statement like3;  // like(pattern, text, escape)
  Statement glob2;  // glob(pattern, text)

  static void match_with(sqlite3_context* context, sqlite3_stmt* statement, int count,
                         sqlite3_value** values) {
    auto& self = *static_cast<Impl*>(sqlite3_user_data(context));
    if (std::chrono::steady_clock::now() > self.deadline) {
      self.over_budget = true;
      sqlite3_result_error(context, "exceeded its time budget", -1);
      return;
    }
    for (int i = 0; i < count; ++i) sqlite3_bind_value(statement, i + 1, values[i]);
    if (sqlite3_step(statement) == SQLITE_ROW) {
      sqlite3_result_value(context, sqlite3_column_value(statement, 0));
    } else {
      sqlite3_result_error(context, sqlite3_errmsg(self.matcher), -1);
    }
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
  }
  static void like(sqlite3_context* context, int count, sqlite3_value** values) {
    auto& self = *static_cast<Impl*>(sqlite3_user_data(context));
    match_with(context, count == 3 ? self.like3.get() : self.like2.get(), count, values);
  }
  static void glob(sqlite3_context* context, int count, sqlite3_value** values) {
    auto& self = *static_cast<Impl*>(sqlite3_user_data(context));
    match_with(context, self.glob2.get(), count, values);
  }

  void open_matcher() {
    if (sqlite3_open_v2(":memory:", &matcher, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY,
                        nullptr) != SQLITE_OK) {
      throw std::runtime_error("routing: cannot open an in-memory SQLite database");
    }
    sqlite3_limit(matcher, SQLITE_LIMIT_LENGTH, kMaxValueBytes);
    sqlite3_limit(matcher, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, kMaxLikePatternBytes);
    auto prepare_matcher = [this](const char* sql) {
      sqlite3_stmt* raw = nullptr;
      if (sqlite3_prepare_v3(matcher, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) !=
          SQLITE_OK) {
        throw std::runtime_error(std::string("routing: ") + sqlite3_errmsg(matcher));
      }
      return Statement(raw);
    };
    like2 = prepare_matcher("SELECT ?2 LIKE ?1");
    like3 = prepare_matcher("SELECT ?2 LIKE ?1 ESCAPE ?3");
    glob2 = prepare_matcher("SELECT ?2 GLOB ?1");
    constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    sqlite3_create_function_v2(db, "like", 2, kFlags, this, &Impl::like, nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(db, "like", 3, kFlags, this, &Impl::like, nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(db, "glob", 2, kFlags, this, &Impl::glob, nullptr, nullptr, nullptr);
  }

  static int progress(void* context) {
    auto& self = *static_cast<Impl*>(context);
    if (++self.progress_calls > kMaxProgressCalls ||
        std::chrono::steady_clock::now() > self.deadline) {
      self.over_budget = true;
      return 1;  // SQLITE_INTERRUPT
    }
    return 0;
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
    sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, kMaxLikePatternBytes);
    sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, kMaxExpressionDepth);
    sqlite3_limit(db, SQLITE_LIMIT_FUNCTION_ARG, kMaxFunctionArguments);
    sqlite3_limit(db, SQLITE_LIMIT_VDBE_OP, kMaxStatementOpcodes);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    sqlite3_set_authorizer(db, &Impl::authorize, this);
    sqlite3_progress_handler(db, kProgressStep, &Impl::progress, this);
    try {
      open_matcher();
    } catch (...) {
      sqlite3_close_v2(db);
      sqlite3_close_v2(matcher);  // once its statements are finalized
      throw;
    }
  }
  ~Impl() {
    like2.reset();
    like3.reset();
    glob2.reset();
    sqlite3_close(matcher);
    sqlite3_close(db);
  }

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

RouteEngine::RouteEngine(std::chrono::microseconds time_budget)
    : impl_(std::make_unique<Impl>()), time_budget_(time_budget) {}
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
  return std::make_unique<CompiledRoute>(*impl_, std::move(statements), attributes, time_budget_);
}

CompiledRoute::CompiledRoute(RouteEngine::Impl& engine, std::unique_ptr<Statements> statements,
                             bool uses_attributes, std::chrono::microseconds time_budget)
    : engine_(engine),
      statements_(std::move(statements)),
      uses_attributes_(uses_attributes),
      time_budget_(time_budget) {}

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
Status run(RouteEngine::Impl& engine, std::chrono::microseconds time_budget,
           sqlite3_stmt* statement, const RouteMessage& message, std::string_view what,
           ReadColumn read_column) {
  engine.progress_calls = 0;
  engine.over_budget = false;
  engine.deadline = std::chrono::steady_clock::now() + time_budget;
  bind_message(statement, message);
  const int rc = sqlite3_step(statement);
  Status outcome = ok_status();
  if (rc == SQLITE_ROW) {
    read_column(statement);
  } else if (engine.over_budget) {
    outcome = make_error(ErrorCode::timeout,
                         std::string(what) + ": exceeded its budget (" +
                             std::to_string(time_budget.count() / 1000) + " ms or " +
                             std::to_string(kMaxProgressCalls * kProgressStep) + " steps)");
  } else {
    const std::string reason = sqlite3_errmsg(engine.db);
    // Limits (string length, LIKE pattern length) are hit the same way by
    // every message like this one: reported as too_large.
    const bool limit = rc == SQLITE_TOOBIG || reason.find("too complex") != std::string::npos;
    outcome = make_error(limit ? ErrorCode::too_large : ErrorCode::invalid_argument,
                         std::string(what) + ": " + reason);
  }
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  return outcome;
}

}  // namespace

Result<RouteEvaluation> CompiledRoute::evaluate(const RouteMessage& message) {
  RouteEvaluation evaluation;
  Status condition =
      run(engine_, time_budget_, statements_->condition.get(), message, "condition",
          [&](sqlite3_stmt* row) { evaluation.matched = sqlite3_column_int(row, 0) != 0; });
  if (!condition) return condition.error();
  if (!evaluation.matched) return evaluation;
  if (!statements_->projection) {
    evaluation.output = std::string(message.data_json);
    return evaluation;
  }
  Status projection =
      run(engine_, time_budget_, statements_->projection.get(), message, "projection",
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
