/** A notebook of code cells, as nbformat 4.5 writes it, for the runner to execute. */
export function codeNotebook(cells: string[]) {
  return {
    cells: cells.map((source, i) => ({
      cell_type: "code",
      execution_count: null,
      id: `c${i}`,
      metadata: {},
      outputs: [],
      source,
    })),
    metadata: {
      kernelspec: { display_name: "TypeScript (gatescope)", language: "typescript", name: "gatescope-tslab" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}
