#include "daemon/settlement/model.hpp"

#include <utility>

namespace settlebridge::settlement {
namespace {

std::string composeWhat(const std::string& file, std::size_t line, std::size_t column, const std::string& field,
                        const std::string& message) {
    std::string what = file.empty() ? std::string("<input>") : file;
    if (line != 0) {
        what += ':';
        what += std::to_string(line);
        if (column != 0) {
            what += ':';
            what += std::to_string(column);
        }
    }
    what += ": ";
    if (!field.empty()) {
        what += "field '";
        what += field;
        what += "': ";
    }
    what += message;
    return what;
}

}  // namespace

ParseError::ParseError(std::string file, std::size_t line, std::size_t column, std::string field,
                       const std::string& message)
    : std::runtime_error(composeWhat(file, line, column, field, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      field_(std::move(field)),
      detail_(message) {}

Cents SummaryDocument::total() const {
    Cents sum = 0;
    for (const SummaryLine& line : lines) sum += line.amount;
    return sum;
}

}  // namespace settlebridge::settlement
