/**
 * Jupyter notebooks (nbformat 4.5) as plain data: a list of markdown and code cells. Cell ids are derived from the
 * cell's position so the same inputs always give the same bytes.
 */

export interface Cell {
  type: "markdown" | "code";
  source: string;
}

export const markdown = (source: string): Cell => ({ type: "markdown", source });
export const code = (source: string): Cell => ({ type: "code", source });

/** the .ipynb text of `cells`, for a Python 3 kernel */
export function notebookJson(cells: readonly Cell[]): string {
  const nb = {
    cells: cells.map((cell, i) => {
      // nbformat stores a cell's source as its lines, each keeping its newline
      const source = cell.source.split(/(?<=\n)/);
      const id = `cell-${i}`;
      return cell.type === "markdown"
        ? { cell_type: "markdown", id, metadata: {}, source }
        : { cell_type: "code", id, metadata: {}, execution_count: null, outputs: [], source };
    }),
    metadata: {
      kernelspec: { display_name: "Python 3", language: "python", name: "python3" },
      language_info: { name: "python" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(nb, null, 1)}\n`;
}

/**
 * Text for a markdown cell from data (a column name, a category, a file name): HTML is escaped (Jupyter renders HTML
 * in markdown) and every markdown punctuation character is backslash-escaped, so the text shows as it is and never
 * becomes a link, an emphasis, a table break or a heading. Newlines become spaces.
 */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_{}[\]()#+\-.!|~$"']/g, (ch) => `\\${ch}`);
}

/** a markdown table; every cell is already markdown (pass data through mdText) */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
