#include "daemon/store/postgres_dialect.hpp"

#include <cctype>
#include <cstddef>
#include <regex>
#include <sstream>

namespace settlebridge::store {

namespace {

/// Tables the store reads in insertion order with `ORDER BY rowid` (SQLite's implicit row id).
constexpr std::string_view kTablesReadByRowid[] = {"wc_session_marks"};

bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// SQLite's GLOB pattern (`*`, `?`, `[...]`) as an anchored POSIX regular expression.
std::string globToRegex(std::string_view glob) {
    std::string out = "^";
    for (std::size_t i = 0; i < glob.size(); ++i) {
        const char c = glob[i];
        if (c == '*') {
            out += ".*";
        } else if (c == '?') {
            out += '.';
        } else if (c == '[') {
            const std::size_t close = glob.find(']', i + 1);
            if (close == std::string_view::npos) {
                out += "\\[";
                continue;
            }
            std::string_view set = glob.substr(i + 1, close - i - 1);
            out += '[';
            if (!set.empty() && set.front() == '^') {
                out += '^';
                set.remove_prefix(1);
            }
            out += set;
            out += ']';
            i = close;
        } else if (std::string_view(".\\+()|{}$^").find(c) != std::string_view::npos) {
            out += '\\';
            out += c;
        } else {
            out += c;
        }
    }
    out += '$';
    return out;
}

}  // namespace

TranslatedStatement postgresPlaceholders(std::string_view sql) {
    TranslatedStatement out;
    out.sql.reserve(sql.size() + 8);
    std::size_t i = 0;
    while (i < sql.size()) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {  // a literal or a quoted name: copied up to its closing quote ('' and "" inside)
            const std::size_t start = i++;
            while (i < sql.size()) {
                if (sql[i] == c) {
                    if (i + 1 < sql.size() && sql[i + 1] == c) {
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                ++i;
            }
            out.sql.append(sql.substr(start, i - start));
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const std::size_t end = sql.find('\n', i);
            const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
            out.sql.append(sql.substr(i, stop - i));
            i = stop;
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            const std::size_t end = sql.find("*/", i + 2);
            const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 2;
            out.sql.append(sql.substr(i, stop - i));
            i = stop;
        } else if (c == '?') {
            ++i;
            int number = 0;
            if (i < sql.size() && isDigit(sql[i])) {
                while (i < sql.size() && isDigit(sql[i])) {
                    number = number * 10 + (sql[i] - '0');
                    ++i;
                }
            } else {
                number = out.parameterCount + 1;
            }
            if (number > out.parameterCount) out.parameterCount = number;
            if (out.used.size() < static_cast<std::size_t>(number)) out.used.resize(static_cast<std::size_t>(number));
            out.used[static_cast<std::size_t>(number - 1)] = true;
            out.sql += '$';
            out.sql += std::to_string(number);
        } else {
            out.sql += c;
            ++i;
        }
    }
    static const std::regex nullTest(R"(\$\d+\s+IS\s+(NOT\s+)?NULL\b)", std::regex::icase);
    if (std::regex_search(out.sql, nullTest)) {
        out.typeProbeSql = std::regex_replace(out.sql, nullTest, "TRUE");
        out.usedByProbe.assign(static_cast<std::size_t>(out.parameterCount), false);
        static const std::regex parameter(R"(\$(\d+))");
        for (auto it = std::sregex_iterator(out.typeProbeSql.begin(), out.typeProbeSql.end(), parameter);
             it != std::sregex_iterator(); ++it) {
            const auto number = static_cast<std::size_t>(std::stoi((*it)[1].str()));
            if (number >= 1 && number <= out.usedByProbe.size()) out.usedByProbe[number - 1] = true;
        }
    }
    out.used.resize(static_cast<std::size_t>(out.parameterCount));
    return out;
}

std::string postgresDdl(std::string_view sqliteDdl) {
    static const std::regex idKey(R"(\bid(\s+)INTEGER PRIMARY KEY\b)");
    static const std::regex integer(R"(\bINTEGER\b)");
    static const std::regex blob(R"(\bBLOB\b)");
    static const std::regex strict(R"(\)\s*STRICT(\s*,\s*WITHOUT ROWID)?\s*;)");
    static const std::regex withoutRowid(R"(\)\s*WITHOUT ROWID(\s*,\s*STRICT)?\s*;)");
    static const std::regex glob(R"(\bGLOB\s+'([^']*)')");
    static const std::regex nocaseText(R"(\bTEXT\b([^,\n]*?)\s+COLLATE NOCASE\b)");
    static const std::regex createTable(R"(CREATE TABLE (IF NOT EXISTS )?(\w+) \()");

    std::string sql(sqliteDdl);
    sql = std::regex_replace(sql, idKey, "id$1BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    sql = std::regex_replace(sql, integer, "BIGINT");
    sql = std::regex_replace(sql, blob, "BYTEA");
    sql = std::regex_replace(sql, strict, ");");
    sql = std::regex_replace(sql, withoutRowid, ");");
    sql = std::regex_replace(sql, nocaseText, "CITEXT$1");

    std::string out;
    std::smatch m;
    auto from = sql.cbegin();
    while (std::regex_search(from, sql.cend(), m, glob)) {
        out.append(from, m[0].first);
        out += "~ '" + globToRegex(m[1].str()) + "'";
        from = m[0].second;
    }
    out.append(from, sql.cend());

    for (std::string_view table : kTablesReadByRowid) {
        std::string result;
        auto begin = out.cbegin();
        while (std::regex_search(begin, out.cend(), m, createTable)) {
            result.append(begin, m[0].second);
            if (m[2].str() == table) result += "\n    rowid BIGINT GENERATED ALWAYS AS IDENTITY,";
            begin = m[0].second;
        }
        result.append(begin, out.cend());
        out = std::move(result);
    }
    return out;
}

std::string redactedConnectionString(std::string_view uri) {
    std::string out(uri);
    // URI form: scheme://user:password@host...
    const std::size_t scheme = out.find("://");
    if (scheme != std::string::npos) {
        const std::size_t authorityStart = scheme + 3;
        const std::size_t authorityEnd = out.find_first_of("/?", authorityStart);
        const std::size_t at = out.rfind('@', authorityEnd == std::string::npos ? out.size() : authorityEnd);
        if (at != std::string::npos && at >= authorityStart) {
            const std::size_t colon = out.find(':', authorityStart);
            if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
        }
    }
    // A password given as a parameter: ?password=... or password=... (key=value form).
    static const std::regex passwordParameter(R"((^|[?&\s])password\s*=\s*('[^']*'|[^&\s]*))", std::regex::icase);
    return std::regex_replace(out, passwordParameter, "$1password=***");
}

}  // namespace settlebridge::store
