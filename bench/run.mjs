// Benchmark entry point (npm run bench). The benchmark suite itself is tracked as its own issue
// ("Microsoft side at scale"); until it lands this says so instead of printing made-up numbers.
console.error('calendar-relay: no benchmarks are implemented yet (see the README, "Performance").');
process.exit(1);
