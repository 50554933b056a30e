// Catalogues of alignment frameworks (SDG targets, Global Compact objectives, SNIA OSPs): filled in by the indicators issue.
export {};
