// Google Benchmark: the parser alone and parser + summarizer, on a generated V2 settlement held in memory.
// The whole-process figure (file read, peak RSS) comes from bench/run_summarize.sh.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "daemon/settlement/parser.hpp"
#include "daemon/settlement/summarizer.hpp"

namespace {

using namespace settlebridge::settlement;

/// Generates (once per size) a realistic settlement with the project's generator and keeps it in memory.
const std::string& settlementText(int orders) {
    static std::string cached;
    static int cachedOrders = -1;
    if (cachedOrders != orders) {
        const std::string path = "/tmp/settlebridge-bench-" + std::to_string(orders) + ".txt";
        const std::string command = "/usr/bin/python3 " SETTLEBRIDGE_SOURCE_DIR "/tools/generate_settlement.py --orders " +
                                    std::to_string(orders) + " --seed 42 " + path + " 2>/dev/null";
        if (std::system(command.c_str()) != 0) throw std::runtime_error("generator failed: " + command);
        std::ifstream in(path, std::ios::binary);
        std::ostringstream buffer;
        buffer << in.rdbuf();
        cached = buffer.str();
        cachedOrders = orders;
        std::remove(path.c_str());
    }
    return cached;
}

class CountingSink : public RowSink {
public:
    void onHeader(const SettlementHeader&) override {}
    void onRow(const Row& row) override { total += row.amount; }
    Cents total = 0;
};

void BM_Parse(benchmark::State& state) {
    const std::string& text = settlementText(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        std::istringstream in(text);
        CountingSink sink;
        Parser("bench.txt").parse(in, sink);
        benchmark::DoNotOptimize(sink.total);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_Parse)->Arg(1000)->Arg(20000)->Unit(benchmark::kMillisecond);

void BM_ParseAndSummarize(benchmark::State& state) {
    const std::string& text = settlementText(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        std::istringstream in(text);
        const Summary summary = summarizeStream(in, "bench.txt", SummarizeOptions{});
        benchmark::DoNotOptimize(summary.rowsTotal);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseAndSummarize)->Arg(1000)->Arg(20000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
