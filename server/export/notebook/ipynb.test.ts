import { describe, expect, it } from "vitest";
import { code, markdown, mdTable, mdText, notebookJson } from "./ipynb";
import { pyLiteral, pyStr } from "./py-literal";

describe("notebook building blocks", () => {
  it("writes nbformat 4 with sources split into lines", () => {
    const nb = JSON.parse(notebookJson([markdown("# Title\ntext"), code("x = 1\nprint(x)")]));
    expect(nb.nbformat).toBe(4);
    expect(nb.cells[0]).toMatchObject({ cell_type: "markdown", source: ["# Title\n", "text"] });
    expect(nb.cells[1]).toMatchObject({ cell_type: "code", outputs: [], source: ["x = 1\n", "print(x)"] });
  });

  it("escapes data for markdown so it shows as text", () => {
    expect(mdText("<b>a|b</b>\n[x](y)")).toBe("&lt;b&gt;a\\|b&lt;/b&gt; \\[x\\]\\(y\\)");
    expect(mdTable(["a"], [[mdText("x|y")]])).toBe("| a |\n| --- |\n| x\\|y |");
  });

  it("writes Python literals that cannot break out of the string", () => {
    expect(pyStr('a"""b\\\n#{}é😀')).toBe('"a\\"\\"\\"b\\\\\\x0a#{}\\xe9\\U0001f600"');
    expect(pyLiteral({ k: [1, null, true, Number.NaN, "x"] })).toBe('{"k": [1, None, True, float("nan"), "x"]}');
  });
});
