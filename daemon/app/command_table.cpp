#include "daemon/app/command_table.hpp"

#include <algorithm>
#include <set>
#include <utility>
#include <sstream>
#include <stdexcept>

namespace settlebridge::app {

namespace {

// Options several commands share, worded once.
constexpr OptionSpec kCompany{"company", "NAME", "the QuickBooks company (Web Connector user)"};
constexpr OptionSpec kFormatTextJson{"format", "text|json", "output format (default text)"};
constexpr OptionSpec kSellercloudCompany{"company", "NAME", "the QuickBooks company whose Sellercloud connection it is"};

// Company settings: company add and company set take the same ones.
#define SB_COMPANY_SETTINGS                                                                                          \
    OptionSpec{"mode", "testing|live", "Testing holds documents until approved; Live posts them (default testing)"}, \
        OptionSpec{"time-zone", "ZONE", "IANA time zone for dates, e.g. America/Toronto (\"\" = the marketplace's)"}, \
        OptionSpec{"customer", "NAME", "QuickBooks customer of the summaries (default \"Amazon Summary\")"},            \
        OptionSpec{"company-file", "PATH", "the QuickBooks company file this user may post to"},                        \
        OptionSpec{"currency", "ISO", "the company file's currency when multicurrency is off (others are held)"},      \
        OptionSpec{"auto-live-days", "N", "Testing becomes Live N days after a first approved posting (0 to 365; "     \
                                          "0 = never; default 30)"},                                                  \
        OptionSpec{"bank-account", "NAME", "the QuickBooks bank account Amazon pays into (for --transfer)"},           \
        OptionSpec{"transfer", "yes|no", "transfer each deposit from Amazon Clearing to the bank account on its "       \
                                         "date, and a payout the bank returned back to Amazon Reserved Balances"},   \
        OptionSpec{"tax-registered", "yes|no", "registered for GST/HST or VAT: tax on Amazon's fees is recoverable "  \
                                               "(docs/ACCOUNTING.md section 15)"},                            \
        OptionSpec{"exchange-rate-max-age-days", "N", "hold a foreign-currency settlement when QuickBooks' exchange "  \
                                                      "rate is more than N days older than its end (0 to 3650; "    \
                                                      "default 7)"}

const std::vector<CommandSpec> kCommands = {
    {"summarize", "FILE",
     "Summarize one Amazon settlement report (Flat File V2 or the legacy flat file) into the sales receipt and credit\n"
     "memo that would be posted to QuickBooks; stores nothing.\n"
     "Exit codes: 0 reconciled to the deposit, 1 not reconciled, 2 bad input.",
     {{"format", "text|json|qbxml", "output: a readable table (default), the stable JSON, or the qbXML requests"},
      {"split-months", "", "one part per calendar month, each dated at its month's last day"},
      {"map", "MAPFILE", "category / item / account overrides (docs/ACCOUNTING.md)"},
      {"time-zone", "ZONE", "IANA time zone for dates (default: the marketplace's)"},
      {"customer", "NAME", "QuickBooks customer (default \"Amazon Summary\")"},
      {"gross", "", "no fee lines (the documents will not match the deposit: exit 1)"},
      {"tax-registered", "", "as a company registered for GST/HST or VAT: tax on Amazon's fees is recoverable"}},
     {"settlebridge summarize settlement.txt --format json"},
     false},
    {"company add", "NAME",
     "Add a QuickBooks company (= Web Connector user). The password comes from $SETTLEBRIDGE_PASSWORD or the first\n"
     "line of standard input, never the command line (at least 8 characters).",
     {SB_COMPANY_SETTINGS},
     {"printf '%s\\n' \"$PASSWORD\" | settlebridge company add \"Acme Books\" --time-zone America/Toronto"}},
    {"company set", "NAME",
     "Change a company's settings, or its Web Connector password (--password-stdin).",
     {SB_COMPANY_SETTINGS,
      {"password-stdin", "", "a new password from $SETTLEBRIDGE_PASSWORD or the first line of standard input"}},
     {"settlebridge company set \"Acme Books\" --mode live"}},
    {"company list", "", "List the companies.", {kFormatTextJson}, {"settlebridge company list --format json"}},
    {"import", "FILE",
     "Import a settlement report downloaded from Seller Central: summarize, store, queue (the same file again changes\n"
     "nothing). Exit 1 when it does not reconcile (its documents are held).",
     {kCompany,
      {"split-months", "", "one part per calendar month"},
      {"map", "MAPFILE", "category / item / account overrides"}},
     {"settlebridge import settlement.txt --company \"Acme Books\""}},
    {"approve", "SETTLEMENT_ID", "Release a held settlement's documents for posting.",
     {kCompany,
      {"exchange-rate", "RATE", "a foreign-currency settlement's one exchange rate, home currency per unit (e.g. "
                                "0.7312), instead of QuickBooks' own"}},
     {"settlebridge approve 24391894961 --company \"Acme Books\"",
      "settlebridge approve 24391894961 --company \"Acme Books\" --exchange-rate 0.7312"}},
    {"retry", "DOCUMENT_ID", "Queue a failed document again (looked up in QuickBooks first if it was ever sent).", {},
     {"settlebridge retry 42"}},
    {"status", "", "The posting queue per company and state, and the documents that need attention.",
     {{"company", "NAME", "only this company"}, kFormatTextJson},
     {"settlebridge status --company \"Acme Books\""}},
    {"qwc", "", "The .qwc file to add to the QuickBooks Web Connector.",
     {kCompany,
      {"url", "URL", "the daemon's /qbwc address (https unless localhost)"},
      {"out", "FILE", "write it to FILE instead of standard output"}},
     {"settlebridge qwc --company \"Acme Books\" --url http://localhost:8080/qbwc --out acme.qwc"}},
    {"tax-report", "",
     "Tax collected through Amazon and tax on Amazon's fees, per settlement and per month of the documents' date,\n"
     "for the GST/HST or VAT return (docs/ACCOUNTING.md section 15).",
     {kCompany,
      {"from", "YYYY-MM-DD", "documents dated on or after this day"},
      {"to", "YYYY-MM-DD", "documents dated on or before this day"},
      kFormatTextJson},
     {"settlebridge tax-report --company \"Acme Books\" --from 2025-07-01 --to 2025-09-30"}},
    {"unmapped", "",
     "The kinds of settlement rows no mapping rule covers (on \"Amazon Unmapped\" lines), across every imported\n"
     "settlement, with their rows and amounts. `settlebridge unmapped map` maps one.",
     {kCompany, kFormatTextJson},
     {"settlebridge unmapped --company \"Acme Books\""}},
    {"unmapped map", "",
     "Map one kind of settlement row to a category: one rule added to the company's mapping (its next version);\n"
     "settlements imported from then on use it.",
     {kCompany,
      {"transaction-type", "T", "the rows' transaction type, as `unmapped` lists it"},
      {"amount-type", "A", "the rows' amount type"},
      {"description", "D", "the rows' amount description"},
      {"category", "KEY", "the category the rows go to (docs/ACCOUNTING.md)"}},
     {"settlebridge unmapped map --company \"Acme Books\" --transaction-type Order --amount-type ItemFees "
      "--description \"Digital Services Fee\" --category commission"}},
    {"serve", "",
     "Run the daemon: the Web Connector endpoint (/qbwc), the admin page, the Amazon consent callback and the\n"
     "schedules, until SIGTERM or Ctrl-C. Settings: --config FILE (a properties file, docs/DAEMON.md), then these.",
     {{"listen", "ADDR", "address to listen on (default 127.0.0.1)"},
      {"port", "PORT", "port (default 8080; 0 = any free one)"},
      {"cert", "PEM", "TLS certificate (HTTPS; with --key)"},
      {"key", "PEM", "TLS private key"},
      {"ready-file", "FILE", "write the address served to FILE once listening"},
      {"session-timeout", "S", "seconds a Web Connector session may sit idle (default 1800)"},
      {"tick", "S", "seconds between schedule checks (default 30)"},
      {"shared", "", "several daemons serve this data directory together (docs/SCALING.md)"},
      {"log-file", "FILE", "log to FILE instead of the console"},
      {"daemon", "", "detach (with --pidfile)"},
      {"pidfile", "FILE", "write the process id to FILE"},
      {"engine", "event-loop|thread-per-connection", "the HTTP engine"},
      {"io-threads", "N", "event-loop threads (1 to 16)"}},
     {"settlebridge serve --config /etc/settlebridge/settlebridge.properties"}},
    {"amazon app", "",
     "The operator's SP-API app used by Connect with Amazon (the client secret from\n"
     "$SETTLEBRIDGE_AMAZON_CLIENT_SECRET or standard input).",
     {{"application-id", "ID", "the app's application id"},
      {"client-id", "ID", "the LWA client id"},
      {"client-secret-stdin", "", "read the client secret from standard input"},
      {"redirect-uri", "URL", "the daemon's /oauth/amazon/callback as registered with Amazon"},
      {"draft", "", "the app is a draft (consent adds version=beta)"},
      {"endpoint", "URL", "another SP-API base address (a simulator)"},
      {"production", "", "back to Amazon's own endpoints"}},
     {"settlebridge amazon app --application-id amzn1.sp.solution.X --client-id amzn1.application-oa2-client.Y "
      "--client-secret-stdin"}},
    {"amazon connect", "",
     "Connect with Amazon: prints the consent address; the running daemon receives Amazon's answer.",
     {kCompany,
      {"name", "NAME", "the connection's name (several per company)"},
      {"region", "NA|EU|FE", "the seller's region (default NA)"},
      {"marketplaces", "ID,ID", "marketplace ids to keep (default all)"},
      {"window", "DAYS", "download window, 1 to 90 days"},
      {"every", "MINUTES", "sync interval, 5 to 10080 minutes"}},
     {"settlebridge amazon connect --company \"Acme Books\" --region NA"}},
    {"amazon add-token", "",
     "Add a connection from a self-authorized app's refresh token ($SETTLEBRIDGE_REFRESH_TOKEN or standard input;\n"
     "with --client-id, the client secret on the next line).",
     {kCompany,
      {"name", "NAME", "the connection's name"},
      {"region", "NA|EU|FE", "the seller's region (default NA)"},
      {"marketplaces", "ID,ID", "marketplace ids to keep (default all)"},
      {"window", "DAYS", "download window, 1 to 90 days"},
      {"every", "MINUTES", "sync interval, 5 to 10080 minutes"},
      {"client-id", "ID", "the self-authorized app's LWA client id"},
      {"seller-id", "ID", "the selling partner id"}},
     {"settlebridge amazon add-token --company \"Acme Books\" --region EU < token.txt"}},
    {"amazon test", "", "Test a connection.", {kCompany, {"name", "NAME", "the connection's name"}},
     {"settlebridge amazon test --company \"Acme Books\""}},
    {"amazon set", "", "Change a connection's download window or interval, or turn it off and on.",
     {kCompany,
      {"name", "NAME", "the connection's name"},
      {"window", "DAYS", "download window, 1 to 90 days"},
      {"every", "MINUTES", "sync interval, 5 to 10080 minutes"},
      {"enable", "", "sync it on schedule"},
      {"disable", "", "stop syncing it"}},
     {"settlebridge amazon set --company \"Acme Books\" --window 60"}},
    {"amazon sync", "", "Download new settlement reports now.",
     {kCompany,
      {"name", "NAME", "the connection's name"},
      {"request", "", "only ask the running daemon to sync at its next tick"}},
     {"settlebridge amazon sync --company \"Acme Books\""}},
    {"amazon reports", "", "The reports the syncs saw, with what became of each.",
     {kCompany, {"name", "NAME", "the connection's name"}, kFormatTextJson},
     {"settlebridge amazon reports --company \"Acme Books\" --format json"}},
    {"amazon list", "", "The Amazon connections and their sync state.",
     {{"company", "NAME", "only this company's"}, kFormatTextJson}, {"settlebridge amazon list"}},
    {"ads app", "",
     "The operator's Amazon Ads app (LWA client) used by Connect with Amazon for ads; stored, the secret sealed.",
     {{"client-id", "ID", "the Ads app's client id"},
      {"client-secret-stdin", "", "read the client secret from standard input"},
      {"redirect-uri", "URL", "the daemon's /oauth/amazon-ads/callback as registered"}},
     {"settlebridge ads app --client-id amzn1.application-oa2-client.Y --client-secret-stdin"}},
    {"ads connect", "",
     "Print the \"Connect with Amazon\" address for a new Amazon Ads account (the daemon's\n"
     "/oauth/amazon-ads/callback completes it), or complete one from the address Amazon sent the browser to.",
     {{"name", "NAME", "the account's name"},
      {"region", "NA|EU|FE", "the account's region (default NA)"},
      {"redirect-uri", "URL", "the daemon's /oauth/amazon-ads/callback"},
      {"company", "NAME", "the QuickBooks company the account belongs to"},
      {"callback", "URL", "complete a connection from the address Amazon sent the browser to"},
      {"backfill-days", "N", "days of spend the first sync downloads (1 to 95, default 30)"}},
     {"settlebridge ads connect --name \"Acme ads\" --region NA --redirect-uri "
      "https://bridge.example.com/oauth/amazon-ads/callback"}},
    {"ads add-token", "",
     "Add an Amazon Ads account from a refresh token ($SETTLEBRIDGE_ADS_REFRESH_TOKEN or the first line of stdin).",
     {{"name", "NAME", "the account's name"},
      {"region", "NA|EU|FE", "the account's region (default NA)"},
      {"redirect-uri", "URL", "the redirect URI the token was made with"},
      {"company", "NAME", "the QuickBooks company the account belongs to"},
      {"backfill-days", "N", "days of spend the first sync downloads (1 to 95, default 30)"}},
     {"settlebridge ads add-token --name \"Acme ads\" --region NA < token.txt"}},
    {"ads add-walmart", "",
     "Add a Walmart Connect advertiser ($SETTLEBRIDGE_WALMART_AUTH_TOKEN, _CONSUMER_ID, _PRIVATE_KEY_FILE,\n"
     "_KEY_VERSION).",
     {{"name", "NAME", "the account's name"},
      {"advertiser", "ID", "the Walmart advertiser id"},
      {"time-zone", "ZONE", "the reporting time zone (default America/Los_Angeles)"},
      {"currency", "ISO", "the spend's currency (default USD)"},
      {"company", "NAME", "the QuickBooks company the account belongs to"},
      {"backfill-days", "N", "days of spend the first sync downloads (1 to 90, default 30)"}},
     {"settlebridge ads add-walmart --name \"Acme Walmart\" --advertiser 600001"}},
    {"ads list", "", "Ads accounts and their sync state.", {kFormatTextJson}, {"settlebridge ads list"}},
    {"ads profiles", "", "Ads profiles (hidden ones with --all).",
     {{"all", "", "include hidden profiles"}, kFormatTextJson}, {"settlebridge ads profiles --all"}},
    {"ads profile set", "ID", "Rename, turn on or off, hide or show a profile, or change its download window.",
     {{"name", "NAME", "the profile's name here"},
      {"enable", "", "sync it"},
      {"disable", "", "stop syncing it"},
      {"hide", "", "hide it from lists"},
      {"show", "", "show it again"},
      {"backfill-days", "N", "download window, 1 to 95 days (a longer one downloads the difference)"}},
     {"settlebridge ads profile set 3 --enable --backfill-days 60"}},
    {"ads sync", "", "Pull ad spend now (all enabled profiles, or one), with a progress bar.",
     {{"profile", "ID", "only this profile"},
      {"days", "N", "the last N days (0 to 95)"},
      {"request", "", "only ask the running daemon to do it"}},
     {"settlebridge ads sync --profile 3 --days 7"}},
    {"ads spend", "", "Spend per SKU (summed over days and ad products) as a table.",
     {{"from", "YYYY-MM-DD", "first day"},
      {"to", "YYYY-MM-DD", "last day"},
      {"profile", "ID", "only this profile"},
      {"sku", "SKU", "only this SKU"},
      kFormatTextJson},
     {"settlebridge ads spend --from 2026-01-01 --to 2026-01-31"}},
    {"sellercloud connect", "",
     "Store the company's Sellercloud login (password from $SETTLEBRIDGE_SELLERCLOUD_PASSWORD or the first line of\n"
     "standard input; none keeps the stored one) and test it. Another team, server or address drops the cached\n"
     "product links (the hand-made ones stay), as the admin page does.",
     {kSellercloudCompany,
      {"team", "TEAM", "the team name typed on Sellercloud's login page"},
      {"server-id", "ID", "or the server id (xx in xx.cwa.sellercloud.com)"},
      {"base-url", "URL", "or the REST address"},
      {"username", "USER", "the Sellercloud user name"}},
     {"settlebridge sellercloud connect --company \"Acme Books\" --team acme --username api-user"}},
    {"sellercloud test", "", "Test the connection: ok, bad_credentials, unknown_team, ...",
     {kSellercloudCompany, kFormatTextJson}, {"settlebridge sellercloud test --company \"Acme Books\""}},
    {"sellercloud companies", "", "The companies Sellercloud lists (their ids are for map).",
     {kSellercloudCompany, kFormatTextJson}, {"settlebridge sellercloud companies --company \"Acme Books\""}},
    {"sellercloud map", "PROFILE COMPANY_ID",
     "Send an ads profile's spend to a Sellercloud company. Remapping a profile that already sent data needs\n"
     "--confirm: its values are cleared from the old company's products first.",
     {kSellercloudCompany,
      {"ad-products", "SP,SD,SB,WALMART", "the ad products whose spend is sent (default all)"},
      {"channels", "amazon,walmart", "the channels whose spend is sent (default all)"},
      {"confirm", "", "remap a profile that already sent data"}},
     {"settlebridge sellercloud map 1001 1 --company \"Acme Books\""}},
    {"sellercloud link-rules", "[RULE,RULE,...]",
     "Show or set the product linking order (sku, amazon_sku, upc, asin, ean, mpn, walmart_id); setting it drops the\n"
     "cached links.",
     {kSellercloudCompany}, {"settlebridge sellercloud link-rules sku,upc --company \"Acme Books\""}},
    {"sellercloud link", "SKU PRODUCT_ID", "Link an advertised SKU to a product by hand (used before any rule).",
     {kSellercloudCompany, {"sc-company", "ID", "the Sellercloud company id"}},
     {"settlebridge sellercloud link SKU-1 PROD-1 --sc-company 1 --company \"Acme Books\""}},
    {"sellercloud columns", "",
     "Show or set the custom column names (\"\" = not written) and the local hour of the daily send.",
     {kSellercloudCompany,
      {"day", "NAME", "the last day's ad spend column"},
      {"7d", "NAME", "the 7-day ad spend column"},
      {"30d", "NAME", "the 30-day ad spend column"},
      {"sales", "NAME", "the 30-day attributed sales column"},
      {"acos", "NAME", "the 30-day ACoS column"},
      {"send-hour", "H", "the local hour of the daily send (0 to 23)"}},
     {"settlebridge sellercloud columns --company \"Acme Books\" --send-hour 6"}},
    {"sellercloud send", "", "Send now (the last N days when given: the first-time backfill).",
     {kSellercloudCompany,
      {"profile", "P", "only this ads profile (with --days)"},
      {"channel", "amazon|walmart", "only this channel (with --days)"},
      {"days", "N", "the last N days (1 to 95)"},
      {"queue", "", "leave it to the running daemon"}},
     {"settlebridge sellercloud send --company \"Acme Books\" --days 7"}},
    {"sellercloud log", "", "The send log (with --send: one send's records).",
     {{"company", "NAME", "only this company's sends"},
      {"limit", "N", "at most N sends (default 50)"},
      {"send", "ID", "one send's records"},
      kFormatTextJson},
     {"settlebridge sellercloud log --company \"Acme Books\" --send 12"}},
    {"admin add", "NAME",
     "Add a user of the admin page, at the machine (the page's own first-run form answers only on this machine's\n"
     "loopback address). The password comes from $SETTLEBRIDGE_PASSWORD or the first line of standard input,\n"
     "never the command line (at least 10 characters).",
     {},
     {"printf '%s\\n' \"$PASSWORD\" | settlebridge admin add owner"}},
    {"admin reset-password", "NAME",
     "Set a new password for a user of the admin page (from $SETTLEBRIDGE_PASSWORD or the first line of standard\n"
     "input) and end the user's open sessions: for a forgotten password, or one somebody else may know.",
     {},
     {"settlebridge admin reset-password owner < new-password.txt"}},
    {"completion", "bash",
     "Print the bash completion script (the .deb installs it as\n"
     "/usr/share/bash-completion/completions/settlebridge).",
     {{"out", "FILE", "write it to FILE instead of standard output"}},
     {"settlebridge completion bash --out ~/.local/share/bash-completion/completions/settlebridge"}, false},
    {"version", "", "Print the version.", {}, {"settlebridge version"}, false},
    {"help", "[COMMAND [SUBCOMMAND]]", "Print the commands, or one command's usage, options and examples.", {},
     {"settlebridge help company add"}, false},
};

#undef SB_COMPANY_SETTINGS

const std::vector<OptionSpec> kGlobal = {
    {"data-dir", "DIR", "the data directory (default: as --config, $SETTLEBRIDGE_DATA_DIR or the system file says)"},
    {"config", "FILE", "a properties file (serve: all its settings; other commands: its settlebridge.data_dir)"},
    {"database", "URI", "a PostgreSQL database, postgresql://... (default: as --config or the system file says, "
                        "else settlebridge.db in the data directory)"},
    {"log-level", "LEVEL", "fatal, critical, error, warning, notice, information, debug or trace"},
};

std::string optionLine(const OptionSpec& o) {
    std::string head = "  --" + std::string(o.name);
    if (!o.flag()) head += " " + std::string(o.value);
    if (head.size() < 30) head.resize(30, ' ');
    else head += "\n" + std::string(30, ' ');
    return head + std::string(o.help) + "\n";
}

std::string usageLine(const CommandSpec& spec) {
    std::string line = "settlebridge " + std::string(spec.path);
    if (!spec.operands.empty()) line += " " + std::string(spec.operands);
    if (!spec.options.empty()) line += " [options]";
    return line;
}

/// The first sentence of a summary, on one line, at most 80 characters (cut at a word).
std::string firstLine(std::string_view text) {
    std::string line(text);
    std::replace(line.begin(), line.end(), '\n', ' ');
    if (const auto at = line.find(". "); at != std::string::npos) line.resize(at + 1);
    if (line.size() > 80) {
        line.resize(line.rfind(' ', 77));
        line += "...";
    }
    return line;
}

/// A bash word list, quoted for a case label or compgen -W: the words are [a-z0-9-] and "," / "|" only.
std::string words(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& w : list) out += (out.empty() ? "" : " ") + w;
    return out;
}

}  // namespace

const std::vector<CommandSpec>& commandTable() { return kCommands; }
const std::vector<OptionSpec>& globalOptions() { return kGlobal; }

const CommandSpec* findCommand(std::string_view path) {
    for (const auto& spec : kCommands) {
        if (spec.path == path) return &spec;
    }
    return nullptr;
}

const CommandSpec& commandSpec(std::string_view path) {
    if (const CommandSpec* spec = findCommand(path)) return *spec;
    throw std::logic_error("no command \"" + std::string(path) + "\" in the command table");
}

bool isGroup(std::string_view path) {
    if (path.empty()) return false;
    const std::string prefix = std::string(path) + " ";
    return std::any_of(kCommands.begin(), kCommands.end(),
                       [&](const CommandSpec& spec) { return spec.path.substr(0, prefix.size()) == prefix; });
}

std::string matchPath(const std::vector<std::string>& words, std::size_t& used) {
    std::string path;
    std::string best;
    used = 0;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string candidate = path.empty() ? words[i] : path + " " + words[i];
        if (findCommand(candidate) == nullptr && !isGroup(candidate)) break;
        path = candidate;
        best = path;
        used = i + 1;
    }
    return best;
}

std::string overviewHelp() {
    std::ostringstream out;
    out << "usage: settlebridge [global options] <command> [options]\n\ncommands:\n";
    for (const auto& spec : kCommands) {
        std::string head = "  " + std::string(spec.path) + (spec.operands.empty() ? "" : " " + std::string(spec.operands));
        if (head.size() < 34) head.resize(34, ' ');
        else head += "\n" + std::string(34, ' ');
        out << head << firstLine(spec.summary) << "\n";
    }
    out << "\nglobal options (before or after the command):\n";
    for (const auto& o : kGlobal) out << optionLine(o);
    out << "\n`settlebridge COMMAND --help` or `settlebridge help COMMAND` shows a command's options and an example.\n"
           "Exit codes: 0 done, 1 not reconciled, 2 bad input or usage, 3 an operation failed. docs/CLI.md\n";
    return out.str();
}

std::string commandHelp(const CommandSpec& spec) {
    std::ostringstream out;
    out << "usage: " << usageLine(spec) << "\n\n" << spec.summary << "\n";
    if (!spec.options.empty()) {
        out << "\noptions:\n";
        for (const auto& o : spec.options) out << optionLine(o);
    }
    out << "\nglobal options" << (spec.usesDataDir ? "" : " (accepted, not used by this command)") << ":\n";
    for (const auto& o : kGlobal) out << optionLine(o);
    out << "\nexample" << (spec.examples.size() > 1 ? "s" : "") << ":\n";
    for (const auto& e : spec.examples) out << "  " << e << "\n";
    return out.str();
}

std::string groupHelp(std::string_view group) {
    std::ostringstream out;
    out << "usage: settlebridge " << group << " <subcommand> [options]\n\nsubcommands:\n";
    const std::string prefix = std::string(group) + " ";
    for (const auto& spec : kCommands) {
        if (spec.path.substr(0, prefix.size()) != prefix) continue;
        std::string head = "  " + std::string(spec.path.substr(prefix.size())) +
                           (spec.operands.empty() ? "" : " " + std::string(spec.operands));
        if (head.size() < 34) head.resize(34, ' ');
        else head += "\n" + std::string(34, ' ');
        out << head << firstLine(spec.summary) << "\n";
    }
    out << "\n`settlebridge " << group << " SUBCOMMAND --help` shows a subcommand's options and an example.\n";
    return out.str();
}

std::string bashCompletion() {
    // Children of each node of the command tree ("" = the top), the options of each command, and the choices of
    // options that list them. Generated: `settlebridge completion bash` (installer/package.cmake).
    std::vector<std::string> nodes{""};
    for (const auto& spec : kCommands) {
        std::string path(spec.path);
        for (std::size_t space = path.find(' '); space != std::string::npos; space = path.find(' ', space + 1)) {
            nodes.push_back(path.substr(0, space));
        }
    }
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());

    std::set<std::string> valued;
    std::vector<std::pair<std::string, std::string>> choices;  // "path --option", "a b c"
    auto noteOption = [&](std::string_view path, const OptionSpec& o) {
        if (o.flag()) return;
        valued.insert("--" + std::string(o.name));
        std::string list(o.value);
        if (list.find('|') == std::string::npos) return;
        std::replace(list.begin(), list.end(), '|', ' ');
        choices.emplace_back(std::string(path) + " --" + std::string(o.name), list);
    };
    for (const auto& o : kGlobal) noteOption("", o);
    for (const auto& spec : kCommands) {
        for (const auto& o : spec.options) noteOption(spec.path, o);
    }

    std::ostringstream out;
    out << "# bash completion for settlebridge. Generated from the command table (daemon/app/command_table.cpp) by\n"
           "# `settlebridge completion bash`: do not edit.\n"
           "_settlebridge() {\n"
           "    local cur prev path word i skip=0\n"
           "    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
           "    prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
           "    path=\"\"\n"
           "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
           "        word=\"${COMP_WORDS[i]}\"\n"
           "        if ((skip)); then skip=0; continue; fi\n"
           "        [[ \"$path\" == help ]] && path=\"\"  # help COMMAND [SUBCOMMAND]: complete as the command\n"
           "        case \"$word\" in\n"
           "            --*=*) continue ;;\n";
    std::vector<std::string> valuedList(valued.begin(), valued.end());
    out << "            " << [&] {
        std::string alt;
        for (const auto& v : valuedList) alt += (alt.empty() ? "" : "|") + v;
        return alt;
    }() << ") skip=1; continue ;;\n"
           "            -*) continue ;;\n"
           "        esac\n"
           "        case \"${path:+$path }$word\" in\n";
    {
        std::string alt;
        for (const auto& n : nodes) {
            if (!n.empty()) alt += (alt.empty() ? "" : "|") + std::string("\"") + n + "\"";
        }
        for (const auto& spec : kCommands) {
            if (std::find(nodes.begin(), nodes.end(), std::string(spec.path)) == nodes.end()) {
                alt += (alt.empty() ? "" : "|") + std::string("\"") + std::string(spec.path) + "\"";
            }
        }
        out << "            " << alt << ") path=\"${path:+$path }$word\" ;;\n";
    }
    out << "            *) break ;;\n"
           "        esac\n"
           "    done\n"
           "    [[ \"$path\" == help ]] && path=\"\"\n"
           "    case \"$path $prev\" in\n";
    for (const auto& [option, list] : choices) {
        out << "        \"" << option << "\") COMPREPLY=($(compgen -W \"" << list << "\" -- \"$cur\")); return ;;\n";
    }
    out << "    esac\n"
           "    case \"$prev\" in\n"
           "        --log-level) COMPREPLY=($(compgen -W \"fatal critical error warning notice information debug trace\" "
           "-- \"$cur\")); return ;;\n"
           "        --data-dir) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n"
           "    esac\n"
           "    if [[ \"$prev\" == --* && \" $(_settlebridge_valued) \" == *\" $prev \"* ]]; then\n"
           "        COMPREPLY=($(compgen -f -- \"$cur\")); return\n"
           "    fi\n"
           "    local options=\"";
    {
        std::vector<std::string> g;
        for (const auto& o : kGlobal) g.push_back("--" + std::string(o.name));
        out << words(g);
    }
    out << " --help\" children=\"\"\n"
           "    case \"$path\" in\n";
    for (const auto& spec : kCommands) {
        std::vector<std::string> list;
        for (const auto& o : spec.options) list.push_back("--" + std::string(o.name));
        out << "        \"" << spec.path << "\") options=\"$options " << words(list) << "\" ;;\n";
    }
    out << "    esac\n"
           "    case \"$path\" in\n";
    for (const auto& node : nodes) {
        std::vector<std::string> kids;
        const std::string prefix = node.empty() ? "" : node + " ";
        for (const auto& spec : kCommands) {
            if (spec.path.substr(0, prefix.size()) != prefix) continue;
            std::string rest(spec.path.substr(prefix.size()));
            rest = rest.substr(0, rest.find(' '));
            if (std::find(kids.begin(), kids.end(), rest) == kids.end()) kids.push_back(rest);
        }
        out << "        \"" << node << "\") children=\"" << words(kids) << "\" ;;\n";
    }
    out << "    esac\n"
           "    if [[ \"$cur\" == -* ]]; then\n"
           "        COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n"
           "    elif [[ -n \"$children\" ]]; then\n"
           "        COMPREPLY=($(compgen -W \"$children\" -- \"$cur\"))\n"
           "    else\n"
           "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
           "    fi\n"
           "}\n"
           "_settlebridge_valued() { echo \""
        << words(valuedList)
        << "\"; }\n"
           "complete -F _settlebridge settlebridge\n";
    return out.str();
}

}  // namespace settlebridge::app
