// Placeholder entry replaced by the benchmark runner (issue 9).
export {};
