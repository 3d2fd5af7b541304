#include "daemon/app/cli.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/amazon/accounts.hpp"
#include "daemon/amazon/errors.hpp"
#include "daemon/app/amazon_commands.hpp"
#include "daemon/app/arguments.hpp"
#include "daemon/app/commands.hpp"
#include "daemon/store/unmapped_types.hpp"
#include "daemon/app/ads_commands.hpp"
#include "daemon/app/sellercloud_commands.hpp"
#include "soap/qwc.hpp"
#include "daemon/app/service.hpp"
#include "daemon/app/settings.hpp"
#include "daemon/app/summary_output.hpp"
#include "daemon/settlement/mapping.hpp"
#include "daemon/settlement/model.hpp"
#include "daemon/settlement/summarizer.hpp"
#include "daemon/settlement/timezone.hpp"
#include "qbxml/render.hpp"

namespace settlebridge::app {

namespace {

constexpr const char* kVersion = "0.1.0";

const char* kUsage =
    "usage: settlebridge <command> [options]\n"
    "\n"
    "commands:\n"
    "  summarize FILE [--format text|json|qbxml] [--split-months] [--map MAPFILE]\n"
    "                 [--time-zone ZONE] [--customer NAME] [--gross]\n"
    "      Summarize one Amazon settlement report (Flat File V2 or the legacy flat file) into the\n"
    "      sales receipt and credit memo that would be posted to QuickBooks.\n"
    "      Exit codes: 0 reconciled to the deposit, 1 not reconciled, 2 bad input.\n"
    "  company add NAME [--mode testing|live] [--time-zone ZONE] [--customer NAME] [--company-file PATH]\n"
    "      Add a QuickBooks company (= Web Connector user). The password comes from $SETTLEBRIDGE_PASSWORD\n"
    "      or the first line of standard input, never the command line.\n"
    "      --currency ISO: the company file's currency when multicurrency is off (settlements in another\n"
    "      currency are held, not posted).\n"
    "      --auto-live-days N: Testing becomes Live after N days once a settlement was approved and posted\n"
    "      (default 30, 0 = never automatically).\n"
    "  company set NAME [same options] [--password-stdin]      company list [--format text|json]\n"
    "  import FILE --company NAME [--split-months] [--map MAPFILE]\n"
    "      Import a settlement report downloaded from Seller Central: summarize, store, queue.\n"
    "  approve SETTLEMENT_ID --company NAME     Release a held settlement's documents for posting.\n"
    "  retry DOCUMENT_ID                        Queue a failed document again.\n"
    "  status [--company NAME] [--format text|json]   The posting queue per company and state.\n"
    "  qwc --company NAME --url URL [--out FILE]      The .qwc file to add to the QuickBooks Web Connector.\n"
    "  unmapped --company NAME [--format text|json]\n"
    "      The kinds of settlement rows no mapping rule covers (on \"Amazon Unmapped\" lines), across every\n"
    "      imported settlement, with their rows and amounts.\n"
    "  unmapped map --company NAME --transaction-type T --amount-type A --description D --category KEY\n"
    "      Map one kind to a category: one rule added to the company's mapping (its next version).\n"
    "  serve [--config FILE] [--listen ADDR] [--port PORT] [--cert PEM --key PEM] [--ready-file FILE]\n"
    "        [--session-timeout S] [--tick S] [--log-file FILE] [--log-level LEVEL] [--daemon --pidfile FILE]\n"
    "        [--engine event-loop|thread-per-connection] [--io-threads N]\n"
    "      Run the daemon: the Web Connector endpoint (/qbwc), the Amazon consent callback, and the schedules\n"
    "      (settlement sync, Testing to Live), until SIGTERM or Ctrl-C. Settings: docs/DAEMON.md.\n"
    "      A Web Connector session idle for S seconds (default 1800) expires, freeing the company.\n"
    "  amazon app [--application-id ID] [--client-id ID] [--client-secret-stdin] [--redirect-uri URL] [--draft]\n"
    "      The operator's SP-API app used by Connect with Amazon (secret: $SETTLEBRIDGE_AMAZON_CLIENT_SECRET or stdin).\n"
    "  amazon connect --company NAME [--name N] [--region NA|EU|FE] [--window DAYS] [--every MINUTES]\n"
    "      Connect with Amazon: prints the consent address; the daemon receives Amazon's answer.\n"
    "  amazon add-token --company NAME [--name N] [--region R] [--client-id ID] [--seller-id S] [...]\n"
    "      A self-authorized app's refresh token ($SETTLEBRIDGE_REFRESH_TOKEN or stdin; client secret after it).\n"
    "  amazon test|set|sync [--request]|reports --company NAME [--name N]      amazon list [--format json]\n"
    "      Test a connection; change its window/interval; sync now (--request: ask the running daemon);\n"
    "      the reports the syncs saw, with what became of each.\n"
    "  ads connect|add-token|add-walmart|list|profiles|profile set|sync|spend [...]\n"
    "      Ad spend per SKU per day from Amazon Ads and Walmart Connect (`settlebridge ads help`; docs/ADS.md).\n"
    "  sellercloud connect|test|companies|map|link-rules|link|columns|send|log --company NAME [...]\n"
    "      Push per-product ad spend into Sellercloud (`settlebridge sellercloud help`; docs/SELLERCLOUD.md).\n"
    "\n"
    "  Every command that uses stored data takes --data-dir DIR (default $SETTLEBRIDGE_DATA_DIR, else\n"
    "  settlebridge.data_dir of /etc/settlebridge/settlebridge.properties when that file exists, else\n"
    "  /var/lib/settlebridge as root, ~/.local/share/settlebridge otherwise).\n"
    "  version        Print the version.\n"
    "  help           Print this help.\n";

int summarize(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const Arguments arguments(args, 1, {"split-months", "gross"}, {"format", "map", "time-zone", "customer"});
    if (arguments.positional().size() != 1) throw UsageError("summarize needs exactly one FILE");
    const std::string& file = arguments.positional().front();
    if (std::FILE* probe = std::fopen(file.c_str(), "rb")) {
        std::fclose(probe);
    } else {
        throw BadInput("cannot open " + file + ": " + std::strerror(errno));
    }
    const std::string format = arguments.get("format", "text");
    if (format != "text" && format != "json" && format != "qbxml") {
        throw UsageError("--format must be text, json or qbxml (got \"" + format + "\")");
    }

    std::optional<settlement::Mapping> mapping;
    if (arguments.has("map")) mapping = settlement::Mapping::loadFile(arguments.get("map"));

    settlement::SummarizeOptions options;
    options.splitMonths = arguments.has("split-months");
    options.grossMode = arguments.has("gross");
    options.timeZone = arguments.get("time-zone");
    if (arguments.has("customer")) options.customerName = arguments.get("customer");
    if (mapping) options.mapping = &*mapping;

    const settlement::Summary summary = settlement::summarizeFile(file, options);

    if (format == "json") {
        writeSummaryJson(out, summary);
    } else if (format == "qbxml") {
        out << qbxml::renderPreview(summary, qbxml::RenderContext{});
    } else {
        writeSummaryText(out, summary);
    }
    if (!summary.reconciled) {
        err << "settlebridge: settlement " << summary.header.settlementId << " is not reconciled: "
            << (summary.grossMode ? "gross mode leaves fees out; " : "")
            << "difference " << common::formatCents(summary.difference) << " " << summary.header.currency << "\n";
        return kExitUnreconciled;
    }
    return kExitOk;
}

}  // namespace

int runCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty()) {
        err << kUsage;
        return kExitBadInput;
    }
    const std::string& command = args.front();
    try {
        if (command == "summarize") return summarize(args, out, err);
        if (command == "company") return companyCommand(args, std::cin, out, err);
        if (command == "import") return importCommand(args, out, err);
        if (command == "approve") return approveCommand(args, out, err);
        if (command == "retry") return retryCommand(args, out, err);
        if (command == "status") return statusCommand(args, out, err);
        if (command == "unmapped") return unmappedCommand(args, out, err);
        if (command == "qwc") return qwcCommand(args, out, err);
        if (command == "serve") return serveCommand(args, out, err);
        if (command == "amazon") return amazonCommand(args, std::cin, out, err);
        if (command == "ads") return adsCommand(args, std::cin, out, err);
        if (command == "sellercloud") return sellercloudCommand(args, std::cin, out, err);
        if (command == "version" || command == "--version") {
            out << "settlebridge " << kVersion << "\n";
            return kExitOk;
        }
        if (command == "help" || command == "--help" || command == "-h") {
            out << kUsage;
            return kExitOk;
        }
        throw UsageError("unknown command \"" + command + "\"");
    } catch (const UsageError& e) {
        err << "settlebridge: " << e.what() << "\n\n" << kUsage;
        return kExitBadInput;
    } catch (const ServiceError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const SettingsError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const posting::QueueError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const soap::QwcError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const BadInput& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const settlement::ParseError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const store::UnmappedMappingError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const settlement::MappingError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const settlement::TimeZoneError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const settlement::SummarizeError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const amazon::AccountError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const amazon::AmazonError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitFailure;
    } catch (const std::invalid_argument& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const std::exception& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitFailure;
    }
}

int runCli(int argc, char** argv) {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
    return runCommand(args, std::cout, std::cerr);
}

}  // namespace settlebridge::app
