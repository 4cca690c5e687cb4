// Lint rules that keep the architecture's boundaries (DESIGN.md):
//  - components/ import only server/contracts from the server (never use cases, db, models, ...);
//  - server/automl is pure TypeScript: no Prisma, no Next.js, no React, no database code;
//  - only server/db imports Prisma (@prisma/*) and the generated client.
//
// TypeScript is parsed by typescript-eslint's parser when it is installed (`npm i -D typescript-eslint`);
// without it, a small built-in parser that reads only the import/export-from statements keeps these
// boundary rules working (they only look at module specifiers).

/** @returns {import("eslint").Linter.Parser} */
function importsOnlyParser() {
  const STATEMENT = /(^|[\n;])\s*(import|export)\s+(type\s+)?([^'"`;]*?\bfrom\s*)?(['"])([^'"\n]+)\5/g;
  const locator = (code) => {
    const starts = [0];
    for (let i = 0; i < code.length; i++) if (code[i] === "\n") starts.push(i + 1);
    return (offset) => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, column: offset - starts[lo] };
    };
  };
  return {
    meta: { name: "imports-only" },
    parseForESLint(code) {
      const at = locator(code);
      const node = (type, start, end, extra) => ({ type, range: [start, end], loc: { start: at(start), end: at(end) }, ...extra });
      const body = [];
      for (const m of code.matchAll(STATEMENT)) {
        const start = m.index + m[0].indexOf(m[2], m[1].length);
        const end = m.index + m[0].length;
        const srcStart = end - m[6].length - 2;
        const source = node("Literal", srcStart, end, { value: m[6], raw: code.slice(srcStart, end) });
        if (m[2] === "export" && !m[4]) continue; // only `export ... from "x"` names a module
        // re-exports are recorded as imports: for the boundaries, both depend on the module
        body.push(node("ImportDeclaration", start, end, { source, specifiers: [], importKind: m[3] ? "type" : "value", attributes: [] }));
      }
      const ast = node("Program", 0, code.length, { sourceType: "module", body, tokens: [], comments: [] });
      return { ast, visitorKeys: { Program: ["body"], ImportDeclaration: ["source"], Literal: [] } };
    },
  };
}

let parser;
let fullParser = false;
try {
  parser = (await import("typescript-eslint")).parser;
  fullParser = true;
} catch {
  parser = importsOnlyParser();
}

const restrict = (patterns) => ["error", { patterns }];

export default [
  { ignores: ["node_modules/**", ".next/**", "server/db/generated/**", "data/**", ".tmp/**", "test-results/**", "playwright-report/**"] },
  {
    files: ["**/*.{ts,tsx,mts,cts}"],
    languageOptions: { parser, parserOptions: fullParser ? { ecmaFeatures: { jsx: true } } : {} },
    rules: {
      "no-restricted-imports": restrict([
        {
          regex: "^@prisma/|/db/generated(/|$)",
          message: "Only server/db imports Prisma and its generated client; use the Store and JobQueue interfaces.",
        },
      ]),
    },
  },
  {
    files: ["server/db/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": restrict([
        {
          regex: "(^@/|^(\\.\\./)+)server/(?!contracts/)",
          message: "Components import only server/contracts (DTOs and zod schemas); call the API through components/queries.",
        },
        { regex: "^@prisma/|/db/generated(/|$)", message: "Only server/db imports Prisma." },
        { regex: "^node:|^(fs|path|crypto|child_process)$", message: "Components run in the browser: no Node built-ins." },
      ]),
    },
  },
  {
    files: ["server/automl/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": restrict([
        {
          regex: "^@prisma/|/db/generated(/|$)|^next($|/)|^react($|-dom|/)|^(\\.\\./)+(db|jobs|usecases|storage)(/|$)|^@/(app|components|server/(db|jobs|usecases|storage))(/|$)",
          message: "server/automl is the pure search core: no Prisma, no Next.js or React, no database, jobs or storage code.",
        },
      ]),
    },
  },
];
