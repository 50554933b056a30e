// The catalogue of indicator computation rules (sources, measures, dimensions): filled in by the indicators issue.
export {};
